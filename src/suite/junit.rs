//! JUnit XML for CI systems.

use super::Outcome;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub fn xml(outcomes: &[Outcome]) -> String {
    let failures = outcomes.iter().filter(|o| !o.passed()).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"reglament\" tests=\"{}\" failures=\"{failures}\">\n  <testsuite name=\"regulations\" tests=\"{}\" failures=\"{failures}\">\n",
        outcomes.len(),
        outcomes.len()
    ));
    for o in outcomes {
        out.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{}\"",
            escape(&o.file),
            escape(&o.name)
        ));
        if o.passed() {
            out.push_str("/>\n");
        } else {
            let first = o.failures[0].lines().next().unwrap_or("");
            out.push_str(&format!(
                ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                escape(first),
                escape(&o.failures.join("\n"))
            ));
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
