//! The server's loop. Every change is analysed on a background thread, so the editor keeps
//! talking while a large set is checked; requests wait for the analysis of the text they
//! are about. When the set is large (its last analysis took long), the edited file's own
//! diagnostics are sent first, checked against the set without reading every body.

use super::workspace::{Analysis, Snapshot, Workspace};
use super::{answer, features};
use crossbeam_channel::{Receiver, Sender, select};
use lsp_server::{Connection, Message, Notification};
use lsp_types::notification::{Notification as _, PublishDiagnostics};
use lsp_types::{PublishDiagnosticsParams, Url};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// A whole analysis slower than this makes an edited file's own diagnostics go first.
pub const QUICK: Duration = Duration::from_millis(100);

struct Done {
    change: u64,
    analysis: Analysis,
    took: Duration,
}

pub struct Server {
    connection: Connection,
    state: Workspace,
    analysis: Analysis,
    /// What each file's diagnostics were when last sent: only changes are sent again.
    published: BTreeMap<Url, Vec<lsp_types::Diagnostic>>,
    /// The number of the latest change, and of the change `analysis` is of.
    wanted: u64,
    analysed: u64,
    /// Whether an analysis is running in the background.
    running: bool,
    done: (Sender<Done>, Receiver<Done>),
    took: Duration,
    quick_after: Duration,
}

impl Server {
    /// The first analysis, done before anything else.
    pub fn new(connection: Connection, mut state: Workspace, quick_after: Duration) -> Server {
        let start = Instant::now();
        let analysis = state.analyse();
        let done = crossbeam_channel::unbounded();
        let took = start.elapsed();
        let published = BTreeMap::new();
        let (wanted, analysed, running) = (0, 0, false);
        Server { connection, state, analysis, published, wanted, analysed, running, done, took, quick_after }
    }

    /// Serves until the editor says `exit`.
    pub fn run(mut self) -> Result<(), String> {
        self.publish_all()?;
        let messages = self.connection.receiver.clone();
        let finished = self.done.1.clone();
        loop {
            select! {
                recv(messages) -> message => match message {
                    Err(_) => return Ok(()),
                    Ok(Message::Request(request)) => {
                        if self.connection.handle_shutdown(&request).map_err(|e| e.to_string())? {
                            return Ok(());
                        }
                        self.settle()?;
                        let response = answer(&self.analysis, request);
                        self.send(Message::Response(response))?;
                    }
                    Ok(Message::Notification(n)) => {
                        if super::changed(&mut self.state, n) {
                            self.change()?;
                        }
                    }
                    Ok(Message::Response(_)) => {}
                },
                recv(finished) -> done => {
                    if let Ok(done) = done {
                        self.finished(done)?;
                    }
                }
            }
        }
    }

    fn change(&mut self) -> Result<(), String> {
        self.wanted += 1;
        let (snapshot, anew) = self.state.snapshot();
        if self.took >= self.quick_after {
            for url in anew {
                if let Some(diagnostics) = snapshot.file_diagnostics(&url) {
                    self.publish(url, diagnostics)?;
                }
            }
        }
        if !self.running {
            self.start(snapshot);
        }
        Ok(())
    }

    fn start(&mut self, snapshot: Snapshot) {
        self.running = true;
        let (change, sender) = (self.wanted, self.done.0.clone());
        std::thread::spawn(move || {
            let start = Instant::now();
            let analysis = snapshot.analyse();
            let _ = sender.send(Done { change, analysis, took: start.elapsed() });
        });
    }

    fn finished(&mut self, done: Done) -> Result<(), String> {
        self.running = false;
        if done.change != self.wanted {
            // The text changed meanwhile: analyse it as it is now.
            std::thread::spawn(move || drop(done));
            let (snapshot, _) = self.state.snapshot();
            self.start(snapshot);
            return Ok(());
        }
        self.took = done.took;
        self.analysed = done.change;
        let old = std::mem::replace(&mut self.analysis, done.analysis);
        // Freeing a large set's analysis takes a while; the editor need not wait.
        std::thread::spawn(move || drop(old));
        self.publish_all()
    }

    /// Waits until the analysis is of the latest text.
    fn settle(&mut self) -> Result<(), String> {
        while self.analysed != self.wanted {
            let done = self.done.1.recv().map_err(|e| e.to_string())?;
            self.finished(done)?;
        }
        Ok(())
    }

    /// Sends every file's diagnostics that differ from those sent, and clears those of
    /// files no longer in the set.
    fn publish_all(&mut self) -> Result<(), String> {
        let mut now: BTreeMap<Url, Vec<lsp_types::Diagnostic>> =
            features::diagnostics(&self.analysis).into_iter().collect();
        let gone: Vec<Url> = self.published.keys().filter(|u| !now.contains_key(*u)).cloned().collect();
        for url in gone {
            now.insert(url, Vec::new());
        }
        for (url, diagnostics) in now {
            self.publish(url, diagnostics)?;
        }
        Ok(())
    }

    fn publish(&mut self, uri: Url, diagnostics: Vec<lsp_types::Diagnostic>) -> Result<(), String> {
        if self.published.get(&uri) == Some(&diagnostics) {
            return Ok(());
        }
        self.published.insert(uri.clone(), diagnostics.clone());
        let params = PublishDiagnosticsParams { uri, diagnostics, version: None };
        self.send(Message::Notification(Notification::new(PublishDiagnostics::METHOD.to_string(), params)))
    }

    fn send(&self, message: Message) -> Result<(), String> {
        self.connection.sender.send(message).map_err(|e| e.to_string())
    }
}
