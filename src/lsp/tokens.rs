//! Semantic tokens for highlighting: keywords, names, strings, numbers, operators and
//! comments, from the parse tree (what does not parse is left to the editor's grammar).

use super::position::position;
use crate::syntax::{RglParser, Rule};
use lsp_types::{SemanticToken, SemanticTokenType, SemanticTokensLegend};
use pest::Parser;
use pest::iterators::Pair;

const TYPES: [SemanticTokenType; 6] = [
    SemanticTokenType::KEYWORD,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
    SemanticTokenType::OPERATOR,
    SemanticTokenType::COMMENT,
];

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend { token_types: TYPES.to_vec(), token_modifiers: Vec::new() }
}

/// The kind of a leaf token, as an index into the legend.
fn kind(rule: Rule) -> Option<u32> {
    let name = format!("{rule:?}");
    Some(match rule {
        _ if crate::format::is_keyword(rule) => 0,
        Rule::ident => 1,
        Rule::string => 2,
        Rule::number
        | Rule::date
        | Rule::currency
        | Rule::working
        | Rule::days
        | Rule::months
        | Rule::years
        | Rule::cardinality
        | Rule::year_number => 3,
        _ if name.starts_with("op_") => 4,
        _ => return None,
    })
}

fn leaves(p: Pair<'_, Rule>, out: &mut Vec<(usize, usize, u32)>) {
    if let Some(k) = kind(p.as_rule()) {
        let span = p.as_span();
        out.push((span.start(), span.end(), k));
        return;
    }
    for q in p.into_inner() {
        leaves(q, out);
    }
}

/// The tokens of a text, encoded as the protocol wants (each relative to the one before).
pub fn tokens(text: &str) -> Vec<SemanticToken> {
    let mut found: Vec<(usize, usize, u32)> = Vec::new();
    if let Ok(pairs) = RglParser::parse(Rule::file, text) {
        for p in pairs.flatten().filter(|p| p.as_rule() != Rule::bad_item) {
            // Only top-level declarations; `flatten` visits nested pairs too.
            if matches!(
                p.as_rule(),
                Rule::agency
                    | Rule::registry
                    | Rule::person_decl
                    | Rule::group_decl
                    | Rule::record_decl
                    | Rule::enum_decl
                    | Rule::parameter
                    | Rule::event
                    | Rule::service
                    | Rule::trigger
                    | Rule::situation
                    | Rule::calendar
            ) {
                leaves(p, &mut found);
            }
        }
    }
    found.extend(crate::format::comment_ranges(text).into_iter().map(|(s, e)| (s, e, 5)));
    found.sort_unstable();
    found.dedup_by_key(|t| t.0);
    let (mut line, mut column) = (0, 0);
    found
        .into_iter()
        .map(|(start, end, kind)| {
            let at = position(text, start);
            let length = text[start..end].chars().map(char::len_utf16).sum::<usize>() as u32;
            let delta_start = if at.line == line { at.character - column } else { at.character };
            let token = SemanticToken {
                delta_line: at.line - line,
                delta_start,
                length,
                token_type: kind,
                token_modifiers_bitset: 0,
            };
            (line, column) = (at.line, at.character);
            token
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keywords_names_and_comments_in_order() {
        let tokens = super::tokens("agency sfr { // c\n  title \"т\"\n}");
        let kinds: Vec<(u32, u32, u32)> =
            tokens.iter().map(|t| (t.delta_line, t.delta_start, t.token_type)).collect();
        assert_eq!(kinds, [(0, 0, 0), (0, 7, 1), (0, 6, 5), (1, 2, 0), (0, 6, 2)]);
    }
}
