// Starts `reglament lsp` for .rgl files; the server does the rest.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("reglament").get("path") || "reglament";
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "reglament",
    "reglament",
    { run: server, debug: server },
    {
      documentSelector: [{ scheme: "file", language: "reglament" }],
      // Files changed outside the editor (a checkout, another program) count too.
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.rgl") },
    }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
