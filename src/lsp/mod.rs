//! `reglament lsp`: a language server over standard input and output. It keeps the open
//! documents, compiles the workspace's regulation set with them on every change, and
//! answers from that analysis: diagnostics, hover, definitions, references, symbols,
//! completion, quick fixes, semantic tokens and formatting.

mod complete;
mod features;
mod position;
mod server;
mod tokens;
mod workspace;

pub use features::diagnostics;
use lsp_server::{Connection, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _,
};
use lsp_types::request::{
    Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest, References, Request as _,
};
use lsp_types::{
    CompletionOptions, DocumentSymbolResponse, GotoDefinitionResponse, InitializeParams, OneOf,
    ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind,
};
pub use server::QUICK;
pub use workspace::{Analysis, Snapshot, Workspace};

/// What the server can do, as it tells the editor.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions::default()),
        code_action_provider: Some(lsp_types::CodeActionProviderCapability::Simple(true)),
        semantic_tokens_provider: Some(lsp_types::SemanticTokensServerCapabilities::SemanticTokensOptions(
            lsp_types::SemanticTokensOptions {
                legend: tokens::legend(),
                full: Some(lsp_types::SemanticTokensFullOptions::Bool(true)),
                ..Default::default()
            },
        )),
        ..ServerCapabilities::default()
    }
}

/// Serves over standard input and output until the editor says `exit`.
pub fn run_stdio() -> Result<(), String> {
    let (connection, threads) = Connection::stdio();
    serve(connection)?;
    threads.join().map_err(|e| e.to_string())
}

/// Serves a connection: the handshake, then every message until shutdown.
pub fn serve(connection: Connection) -> Result<(), String> {
    serve_with(connection, server::QUICK)
}

/// Serves a connection, sending an edited file's own diagnostics first when the last whole
/// analysis took `quick_after` or longer.
pub fn serve_with(connection: Connection, quick_after: std::time::Duration) -> Result<(), String> {
    let caps = serde_json::to_value(capabilities()).map_err(|e| e.to_string())?;
    let init = connection.initialize(caps).map_err(|e| e.to_string())?;
    let params: InitializeParams = serde_json::from_value(init).map_err(|e| e.to_string())?;
    let mut state = Workspace::default();
    #[allow(deprecated)]
    let root =
        params.workspace_folders.as_ref().and_then(|f| f.first()).map(|f| f.uri.clone()).or(params.root_uri);
    state.set_root(root.and_then(|u| u.to_file_path().ok()));
    server::Server::new(connection, state, quick_after).run()
}

/// Applies a notification to the open documents; whether the set changed.
fn changed(state: &mut Workspace, n: Notification) -> bool {
    match n.method.as_str() {
        DidOpenTextDocument::METHOD => {
            let Ok(p) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params) else {
                return false;
            };
            state.open(p.text_document.uri, p.text_document.text);
            true
        }
        DidChangeTextDocument::METHOD => {
            let Ok(p) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params) else {
                return false;
            };
            // Full synchronisation: the last change is the whole text.
            match p.content_changes.into_iter().last() {
                Some(change) => {
                    state.open(p.text_document.uri, change.text);
                    true
                }
                None => false,
            }
        }
        DidCloseTextDocument::METHOD => {
            let Ok(p) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params) else {
                return false;
            };
            let uri = p.text_document.uri;
            // What is on disk counts again, as it is now.
            let reloaded = state.reload(&uri);
            state.close(&uri) || reloaded
        }
        DidSaveTextDocument::METHOD => {
            let Ok(p) = serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(n.params) else {
                return false;
            };
            state.reload(&p.text_document.uri)
        }
        DidChangeWatchedFiles::METHOD => {
            let Ok(p) = serde_json::from_value::<lsp_types::DidChangeWatchedFilesParams>(n.params) else {
                return false;
            };
            // Every file is read again, not only up to the first that changed.
            p.changes.iter().map(|change| state.reload(&change.uri)).fold(false, |a, b| a | b)
        }
        _ => false,
    }
}

fn answer(a: &Analysis, request: Request) -> Response {
    let id = request.id.clone();
    let result = match request.method.as_str() {
        HoverRequest::METHOD => params::<lsp_types::HoverParams>(&request).map(|p| {
            let at = p.text_document_position_params;
            json(features::hover(a, &at.text_document.uri, at.position))
        }),
        GotoDefinition::METHOD => params::<lsp_types::GotoDefinitionParams>(&request).map(|p| {
            let at = p.text_document_position_params;
            json(
                features::definition(a, &at.text_document.uri, at.position)
                    .map(GotoDefinitionResponse::Scalar),
            )
        }),
        References::METHOD => params::<lsp_types::ReferenceParams>(&request).map(|p| {
            let at = p.text_document_position;
            json(features::references(a, &at.text_document.uri, at.position))
        }),
        DocumentSymbolRequest::METHOD => params::<lsp_types::DocumentSymbolParams>(&request)
            .map(|p| json(DocumentSymbolResponse::Nested(features::symbols(a, &p.text_document.uri)))),
        Formatting::METHOD => params::<lsp_types::DocumentFormattingParams>(&request)
            .map(|p| json(features::formatting(a, &p.text_document.uri))),
        Completion::METHOD => params::<lsp_types::CompletionParams>(&request).map(|p| {
            let at = p.text_document_position;
            json(complete::completion(a, &at.text_document.uri, at.position))
        }),
        lsp_types::request::SemanticTokensFullRequest::METHOD => {
            params::<lsp_types::SemanticTokensParams>(&request).map(|p| {
                let text = a.file_of(&p.text_document.uri).map_or("", |f| a.sources.text(f));
                json(lsp_types::SemanticTokens { result_id: None, data: tokens::tokens(text) })
            })
        }
        lsp_types::request::CodeActionRequest::METHOD => params::<lsp_types::CodeActionParams>(&request)
            .map(|p| json(features::quick_fixes(&p.text_document.uri, &p.context.diagnostics))),
        other => Err(unknown(id.clone(), other)),
    };
    match result {
        Ok(value) => Response::new_ok(id, value),
        Err(response) => response,
    }
}

fn params<P: serde::de::DeserializeOwned>(request: &Request) -> Result<P, Response> {
    serde_json::from_value(request.params.clone()).map_err(|e| {
        Response::new_err(request.id.clone(), lsp_server::ErrorCode::InvalidParams as i32, e.to_string())
    })
}

fn unknown(id: RequestId, method: &str) -> Response {
    Response::new_err(
        id,
        lsp_server::ErrorCode::MethodNotFound as i32,
        format!("`{method}` is not supported"),
    )
}

fn json<T: serde::Serialize>(value: T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}
