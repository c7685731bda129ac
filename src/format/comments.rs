//! Comments, which the grammar skips, read from the text with where they stand: the
//! formatter puts each back beside the code it was beside.

/// A comment: its byte offset, its text (from `//` or `#` to the end of the line, trimmed
/// at the end), and whether code stands before it on its line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub offset: usize,
    pub text: String,
    pub trailing: bool,
}

/// Every comment of a text, in order; strings are skipped (a `#` in a title is text).
pub fn scan(text: &str) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut line_has_code) = (0, false);
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                line_has_code = false;
                i += 1;
            }
            b'"' => {
                // A string runs to the next unescaped quote, on its line.
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                line_has_code = true;
            }
            b'#' | b'/' if bytes[i] == b'#' || bytes.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                out.push(Comment {
                    offset: i,
                    text: text[i..end].trim_end().to_string(),
                    trailing: line_has_code,
                });
                i = end;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            _ => {
                line_has_code = true;
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_comments_outside_strings() {
        let found = scan("// head\ntitle \"a # b // c\" # tail\n  # own\n");
        let texts: Vec<(&str, bool)> = found.iter().map(|c| (c.text.as_str(), c.trailing)).collect();
        assert_eq!(texts, [("// head", false), ("# tail", true), ("# own", false)]);
    }
}
