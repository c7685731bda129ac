//! The language server, driven in memory as an editor would: open a document with a
//! `|caret|` marker, ask, check the answer.

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};
use std::path::PathBuf;

const SET: &str = r#"agency sfr {
  title "Социальный фонд"
  level federal
}

person citizen {
  field birth_date: date
}

parameter payment_amount: money {
  title "Размер выплаты"
  from 2020-01-01 = 5000 rub
}

service allowance {
  title "Пособие"
  agency sfr
  legal "81-ФЗ"
  kind payment
  subject holder: citizen
  input born from holder.birth_date
  criterion young = age(born) < 3
  output amount: money = payment_amount
  deadline 10 working days
}
"#;

struct Client {
    conn: Connection,
    server: Option<std::thread::JoinHandle<Result<(), String>>>,
    next: i32,
    dir: PathBuf,
}

impl Client {
    /// A server on a workspace holding `files`.
    fn start(name: &str, files: &[(&str, &str)]) -> Client {
        Client::start_with(name, files, reglament::lsp::QUICK)
    }

    /// A server that sends an edited file's own diagnostics first when the last whole
    /// analysis took `quick_after` or longer.
    fn start_with(name: &str, files: &[(&str, &str)], quick_after: std::time::Duration) -> Client {
        let dir = std::env::temp_dir().join(format!("reglament-lsp-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (file, text) in files {
            std::fs::write(dir.join(file), text).unwrap();
        }
        let (server, conn) = Connection::memory();
        let handle = std::thread::spawn(move || reglament::lsp::serve_with(server, quick_after));
        let mut client = Client { conn, server: Some(handle), next: 0, dir };
        let root = url(&client.dir);
        let result = client.request("initialize", json!({ "capabilities": {}, "rootUri": root }));
        assert!(result["capabilities"]["hoverProvider"].as_bool().unwrap());
        client.notify("initialized", json!({}));
        client
    }

    fn uri(&self, file: &str) -> String {
        url(&self.dir.join(file))
    }

    fn notify(&self, method: &str, params: Value) {
        self.conn.sender.send(Message::Notification(Notification::new(method.into(), params))).unwrap();
    }

    /// Sends a request and waits for its response (notifications meanwhile are kept).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = RequestId::from(self.next);
        self.conn.sender.send(Message::Request(Request::new(id.clone(), method.into(), params))).unwrap();
        loop {
            match self.conn.receiver.recv_timeout(std::time::Duration::from_secs(30)).expect("an answer") {
                Message::Response(r) if r.id == id => {
                    assert!(r.error.is_none(), "{:?}", r.error);
                    return r.result.unwrap_or(Value::Null);
                }
                _ => {}
            }
        }
    }

    /// The diagnostics published next for a document.
    fn diagnostics_for(&self, uri: &str) -> Vec<Value> {
        loop {
            match self.conn.receiver.recv_timeout(std::time::Duration::from_secs(30)).expect("diagnostics") {
                Message::Notification(n)
                    if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri =>
                {
                    return n.params["diagnostics"].as_array().unwrap().clone();
                }
                _ => {}
            }
        }
    }

    /// Opens a document written with a `|caret|` marker; the position of the marker.
    fn open(&self, file: &str, marked: &str) -> Value {
        let at = marked.find("|caret|").unwrap_or(0);
        let text = marked.replace("|caret|", "");
        let before = &text[..at];
        let line = before.matches('\n').count();
        let character: usize = before.rsplit('\n').next().unwrap().chars().map(char::len_utf16).sum();
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": self.uri(file), "languageId": "reglament", "version": 1, "text": text } }),
        );
        json!({ "line": line, "character": character })
    }

    fn at(&self, file: &str, position: &Value) -> Value {
        json!({ "textDocument": { "uri": self.uri(file) }, "position": position })
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        if let Some(h) = self.server.take() {
            assert_eq!(h.join().unwrap(), Ok(()));
        }
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

fn url(path: &std::path::Path) -> String {
    lsp_types::Url::from_file_path(path).unwrap().to_string()
}

#[test]
fn diagnostics_on_open_and_on_change() {
    let client = Client::start("diagnostics", &[("set.rgl", SET)]);
    let uri = client.uri("set.rgl");
    let errors = |found: &[Value]| found.iter().filter(|d| d["severity"] == 1).count();
    assert_eq!(errors(&client.diagnostics_for(&uri)), 0, "the set has no errors");
    let broken = SET.replace("age(born) < 3", "age(born) < nothing");
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": broken }] }),
    );
    let found = client.diagnostics_for(&uri);
    assert_eq!(errors(&found), 1, "{found:?}");
    let error = found.iter().find(|d| d["severity"] == 1).unwrap();
    assert_eq!(error["code"], "E0101");
    assert_eq!(error["range"]["start"], json!({ "line": 21, "character": 32 }));
}

/// On a large set an edit first gets the file's own diagnostics (no unused declarations
/// nor graph lints: those need every body read), then the whole set's.
#[test]
fn an_edited_file_gets_its_own_diagnostics_first() {
    let unused = "agency extra {\n  title \"Лишнее\"\n  level federal\n}\n";
    let text = format!("{SET}{unused}");
    let client = Client::start_with("quick", &[("set.rgl", &text)], std::time::Duration::ZERO);
    let uri = client.uri("set.rgl");
    let codes =
        |found: Vec<Value>| found.iter().map(|d| d["code"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    // W0402: no trigger or situation reaches the service (a graph lint).
    assert_eq!(codes(client.diagnostics_for(&uri)), ["W0402", "W0001"]);
    let broken = text.replace("age(born) < 3", "age(born) < nothing");
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": broken }] }),
    );
    assert_eq!(codes(client.diagnostics_for(&uri)), ["E0101"], "the file's own, at once");
    assert_eq!(codes(client.diagnostics_for(&uri)), ["E0101", "W0001"], "then the whole set's");
}

#[test]
fn hover_shows_the_title_and_a_parameter_in_force() {
    let mut client = Client::start("hover", &[]);
    let at = client.open("set.rgl", &SET.replace("= payment_amount", "= payment_am|caret|ount"));
    let hover = client.request("textDocument/hover", client.at("set.rgl", &at));
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("parameter `payment_amount`") && text.contains("Размер выплаты"), "{text}");
    assert!(text.contains("5000.00"), "{text}");
}

#[test]
fn definition_and_references_across_files() {
    let mut client = Client::start(
        "definition",
        &[("agencies.rgl", "agency sfr {\n  title \"СФР\"\n  level federal\n}\n")],
    );
    let rest = SET.split("person citizen").nth(1).unwrap();
    let at = client.open(
        "service.rgl",
        &format!("person citizen{}", rest.replace("agency sfr\n", "agency s|caret|fr\n")),
    );
    let def = client.request("textDocument/definition", client.at("service.rgl", &at));
    assert_eq!(def["uri"], client.uri("agencies.rgl"));
    assert_eq!(def["range"]["start"], json!({ "line": 0, "character": 7 }));
    let mut params = client.at("service.rgl", &at);
    params["context"] = json!({ "includeDeclaration": true });
    let refs = client.request("textDocument/references", params);
    assert_eq!(refs.as_array().unwrap().len(), 2, "{refs}");
}

#[test]
fn symbols_completion_and_formatting() {
    let mut client = Client::start("symbols", &[]);
    client.open("set.rgl", &SET.replace("  title \"Пособие\"", "  title   \"Пособие\""));
    let doc = json!({ "textDocument": { "uri": client.uri("set.rgl") } });
    let symbols = client.request("textDocument/documentSymbol", doc.clone());
    let names: Vec<&str> = symbols.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["sfr", "citizen", "payment_amount", "allowance"]);
    let items = client
        .request("textDocument/completion", client.at("set.rgl", &json!({ "line": 0, "character": 0 })));
    let labels: Vec<&str> = items.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert!(
        labels.contains(&"payment_amount") && labels.contains(&"услуга") && labels.contains(&"criterion")
    );
    let mut params = doc;
    params["options"] = json!({ "tabSize": 2, "insertSpaces": true });
    let edits = client.request("textDocument/formatting", params);
    assert_eq!(edits[0]["newText"], SET);
}

/// Completion by what the cursor follows: a role's facts after `role.` (also on a line
/// still being typed), agencies after `agency`, types after `:`, the words of a closed list.
#[test]
fn completion_by_context() {
    let mut client = Client::start("context", &[]);
    let mut labels_at = |marked: &str| -> Vec<String> {
        let at = client.open("set.rgl", marked);
        let items = client.request("textDocument/completion", client.at("set.rgl", &at));
        items.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(
        labels_at(&SET.replace("from holder.birth_date", "from holder.|caret|birth_date")),
        ["birth_date"]
    );
    let typing = SET.replace("  deadline 10", "  criterion late = age(holder.|caret|\n  deadline 10");
    assert_eq!(labels_at(&typing), ["birth_date"], "the declaration does not parse yet");
    assert_eq!(labels_at(&SET.replace("  agency sfr", "  ведомство |caret|")), ["sfr"]);
    let types = labels_at(&SET.replace("output amount: money", "output amount: |caret|money"));
    assert!(types.contains(&"money".to_string()) && types.contains(&"деньги".to_string()), "{types:?}");
    assert!(!types.contains(&"sfr".to_string()), "{types:?}");
    let kinds = labels_at(&SET.replace("kind payment", "kind |caret|"));
    assert!(kinds.contains(&"payment".to_string()) && kinds.contains(&"выплата".to_string()), "{kinds:?}");
    assert!(!kinds.contains(&"birth".to_string()), "service kinds, not event kinds: {kinds:?}");
    let anywhere =
        labels_at(&SET.replace("criterion young = age(born)", "criterion young = age(|caret|born)"));
    for expected in ["holder", "payment_amount", "criterion", "критерий"] {
        assert!(anywhere.contains(&expected.to_string()), "{expected} in {anywhere:?}");
    }
}

/// The binary over standard input and output: the handshake, a request, the shutdown.
#[test]
fn serves_over_stdio() {
    use std::io::{Read, Write};
    let frame = |v: Value| {
        let body = v.to_string();
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    };
    let input = [
        frame(json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } })),
        frame(json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} })),
        frame(json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" })),
        frame(json!({ "jsonrpc": "2.0", "method": "exit" })),
    ]
    .concat();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_reglament"))
        .arg("lsp")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    assert!(child.wait().unwrap().success());
    assert!(out.contains("\"documentFormattingProvider\":true"), "{out}");
    assert!(out.contains("\"id\":2"), "{out}");
}

/// The editor extension's highlighting knows every keyword of both languages.
#[test]
fn the_textmate_grammar_knows_every_keyword() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/editors/vscode/syntaxes/reglament.tmLanguage.json");
    let grammar: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let keywords = grammar["patterns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "keyword.other.reglament")
        .and_then(|p| p["match"].as_str())
        .unwrap();
    for (en, ru) in reglament::format::keywords() {
        for word in [en, ru] {
            assert!(
                keywords.contains(&format!("|{word}|"))
                    || keywords.contains(&format!("({word}|"))
                    || keywords.contains(&format!("|{word})")),
                "`{word}` is not highlighted"
            );
        }
    }
}

/// A misspelt name gets the checker's suggestion as a quick fix.
#[test]
fn a_misspelt_name_is_fixed_by_the_suggestion() {
    let mut client = Client::start("fixes", &[]);
    client.open("set.rgl", &SET.replace("agency sfr\n  legal", "agency sfx\n  legal"));
    let uri = client.uri("set.rgl");
    let found = client.diagnostics_for(&uri);
    let error = found.iter().find(|d| d["code"] == "E0101").expect("an unknown name").clone();
    let params = json!({
        "textDocument": { "uri": uri },
        "range": error["range"],
        "context": { "diagnostics": [error] }
    });
    let actions = client.request("textDocument/codeAction", params);
    let edit = &actions[0]["edit"]["changes"][uri.as_str()][0];
    assert_eq!(edit["newText"], "sfr", "{actions}");
}

/// Highlighting: every keyword, name, string, number and comment of the document.
#[test]
fn semantic_tokens_cover_the_document() {
    let mut client = Client::start("tokens", &[]);
    client.open("set.rgl", "// the agency\nagency sfr {\n  title \"СФР\"\n  level federal\n}\n");
    let tokens = client.request(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": client.uri("set.rgl") } }),
    );
    let data: Vec<u64> = tokens["data"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    // comment; `agency` `sfr`; `title` "СФР"; `level` `federal`: five numbers each.
    let kinds: Vec<u64> = data.chunks(5).map(|t| t[3]).collect();
    assert_eq!(kinds, [5, 0, 1, 0, 2, 0, 1]);
}
