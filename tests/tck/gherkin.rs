//! A reader for the Gherkin subset the TCK feature files use: Feature,
//! Background, Scenario, Scenario Outline with Examples, tags, steps with
//! doc strings and tables, and `#` comments.

/// One step, without its keyword.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Step {
    /// The text after the keyword, trimmed.
    pub text: String,
    /// The doc string, with the marker's indentation removed.
    pub doc: Option<String>,
    /// The table rows, cells trimmed and unescaped.
    pub table: Vec<Vec<String>>,
    /// The line of the step (1-based).
    pub line: usize,
}

/// One test case: a scenario, or one Examples row of an outline.
#[derive(Debug, Clone, PartialEq)]
pub struct TestCase {
    /// The scenario's name, e.g. `[1] Return a literal`.
    pub name: String,
    /// For an outline: the row's number, counting from 1 over all of its
    /// Examples tables.
    pub example: Option<usize>,
    /// The feature's and the scenario's tags, e.g. `@ignore`.
    pub tags: Vec<String>,
    /// The Background steps, then the scenario's, with `<column>`
    /// replaced by the row's values.
    pub steps: Vec<Step>,
}

impl TestCase {
    /// `name` or `name [row]`.
    pub fn label(&self) -> String {
        match self.example {
            Some(i) => format!("{} [{i}]", self.name),
            None => self.name.clone(),
        }
    }
}

#[derive(Default)]
struct Scenario {
    name: String,
    tags: Vec<String>,
    steps: Vec<Step>,
    outline: bool,
    header: Option<Vec<String>>,
    rows: Vec<Vec<String>>,
}

enum Section {
    None,
    Background,
    Scenario,
    Examples,
}

/// Reads a feature file into its test cases.
pub fn parse_feature(text: &str) -> Result<Vec<TestCase>, String> {
    let mut background: Vec<Step> = Vec::new();
    let mut scenarios: Vec<Scenario> = Vec::new();
    let mut feature_tags: Vec<String> = Vec::new();
    let mut pending_tags: Vec<String> = Vec::new();
    let mut section = Section::None;
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let lineno = i + 1;
        i += 1;
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let err = |m: &str| Err(format!("line {lineno}: {m}: `{t}`"));
        if t.starts_with('@') {
            pending_tags.extend(t.split_whitespace().map(str::to_string));
        } else if let Some(_name) = t.strip_prefix("Feature:") {
            feature_tags.append(&mut pending_tags);
        } else if t.starts_with("Background:") {
            section = Section::Background;
        } else if let Some((name, outline)) = t
            .strip_prefix("Scenario Outline:")
            .or_else(|| t.strip_prefix("Scenario Template:"))
            .map(|n| (n, true))
            .or_else(|| t.strip_prefix("Scenario:").map(|n| (n, false)))
        {
            let mut tags = feature_tags.clone();
            tags.append(&mut pending_tags);
            scenarios.push(Scenario {
                name: name.trim().to_string(),
                tags,
                outline,
                ..Scenario::default()
            });
            section = Section::Scenario;
        } else if t.starts_with("Examples:") || t.starts_with("Scenarios:") {
            pending_tags.clear();
            match scenarios.last_mut() {
                Some(s) if s.outline => s.header = None,
                _ => return err("Examples outside a Scenario Outline"),
            }
            section = Section::Examples;
        } else if t.starts_with('|') {
            let row = parse_row(t);
            match section {
                Section::Examples => {
                    let Some(s) = scenarios.last_mut() else {
                        return err("table outside a scenario");
                    };
                    if s.header.is_none() {
                        s.header = Some(row);
                    } else {
                        s.rows.push(row);
                    }
                }
                Section::Background | Section::Scenario => {
                    let step = match section {
                        Section::Background => background.last_mut(),
                        _ => scenarios.last_mut().and_then(|s| s.steps.last_mut()),
                    };
                    match step {
                        Some(step) => step.table.push(row),
                        None => return err("table without a step"),
                    }
                }
                Section::None => return err("table outside a scenario"),
            }
        } else if t.starts_with("\"\"\"") || t.starts_with("```") {
            let marker = &t[..3];
            let indent = line.len() - line.trim_start().len();
            let mut doc: Vec<String> = Vec::new();
            loop {
                let Some(l) = lines.get(i) else {
                    return err("doc string without its closing marker");
                };
                i += 1;
                if l.trim() == marker {
                    break;
                }
                // Remove up to the marker's indentation.
                let strip = l
                    .char_indices()
                    .take(indent)
                    .take_while(|(_, c)| c.is_whitespace())
                    .map(|(j, c)| j + c.len_utf8())
                    .last()
                    .unwrap_or(0);
                doc.push(l[strip..].to_string());
            }
            let step = match section {
                Section::Background => background.last_mut(),
                Section::Scenario => scenarios.last_mut().and_then(|s| s.steps.last_mut()),
                _ => None,
            };
            match step {
                Some(step) => step.doc = Some(doc.join("\n")),
                None => return err("doc string without a step"),
            }
        } else if let Some(rest) = ["Given ", "When ", "Then ", "And ", "But ", "* "]
            .iter()
            .find_map(|k| t.strip_prefix(k))
        {
            let step = Step {
                text: rest.trim().to_string(),
                line: lineno,
                ..Step::default()
            };
            match section {
                Section::Background => background.push(step),
                Section::Scenario => match scenarios.last_mut() {
                    Some(s) => s.steps.push(step),
                    None => return err("step outside a scenario"),
                },
                _ => return err("step outside a scenario"),
            }
        } else {
            // Free text under Feature: or a scenario (a description).
            if matches!(section, Section::Examples) {
                return err("unexpected line in Examples");
            }
        }
    }

    let mut cases = Vec::new();
    for s in scenarios {
        if !s.outline {
            let mut steps = background.clone();
            steps.extend(s.steps);
            cases.push(TestCase {
                name: s.name,
                example: None,
                tags: s.tags,
                steps,
            });
            continue;
        }
        let Some(header) = &s.header else {
            return Err(format!("outline `{}` has no Examples", s.name));
        };
        for (n, row) in s.rows.iter().enumerate() {
            if row.len() != header.len() {
                return Err(format!(
                    "outline `{}`: Examples row {} has {} cells, the header {}",
                    s.name,
                    n + 1,
                    row.len(),
                    header.len()
                ));
            }
            let subst = |text: &str| {
                let mut out = text.to_string();
                for (h, v) in header.iter().zip(row) {
                    out = out.replace(&format!("<{h}>"), v);
                }
                out
            };
            let mut steps = background.clone();
            steps.extend(s.steps.iter().map(|st| {
                Step {
                    text: subst(&st.text),
                    doc: st.doc.as_deref().map(subst),
                    table: st
                        .table
                        .iter()
                        .map(|r| r.iter().map(|c| subst(c)).collect())
                        .collect(),
                    line: st.line,
                }
            }));
            cases.push(TestCase {
                name: subst(&s.name),
                example: Some(n + 1),
                tags: s.tags.clone(),
                steps,
            });
        }
    }
    Ok(cases)
}

/// Splits `| a | b\|c |` into trimmed, unescaped cells: `\|` is `|`, `\\`
/// is `\` and `\n` a newline; any other backslash stays.
pub fn parse_row(line: &str) -> Vec<String> {
    let body = line.trim().strip_prefix('|').unwrap_or(line);
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.clone().next() {
                Some('|') => {
                    cell.push('|');
                    chars.next();
                }
                Some('\\') => {
                    cell.push('\\');
                    chars.next();
                }
                Some('n') => {
                    cell.push('\n');
                    chars.next();
                }
                _ => cell.push('\\'),
            },
            '|' => cells.push(std::mem::take(&mut cell).trim().to_string()),
            c => cell.push(c),
        }
    }
    // Text after the last `|` is not a cell.
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEATURE: &str = r#"#
# A comment
#encoding: utf-8

@featuretag
Feature: F1 - Example

  Some description.

  Background:
    Given an empty graph
    And having executed:
      """
      CREATE (:A)
        CREATE (:B)
      """

  Scenario: [1] Plain
    When executing query:
      """
      MATCH (n)
      RETURN n
      """
    Then the result should be, in any order:
      | n    |
      | (:A) |
#      | (:X) |
    And no side effects

  @ignore @skipStyleCheck
  Scenario Outline: [2] Outline <x>
    Given any graph
    When executing query:
      """
      RETURN <x> AS x
      """
    Then the result should be, in any order:
      | x   |
      | <x> |
    And the side effects should be:
      | +nodes | <n> |

    Examples:
      | x     | n |
      | 1     | 0 |
#      | 9     | 9 |
      | 'a\|b' | 2 |

    Examples:
      | x | n |
      | 3 | 1 |

  Scenario: [3] Trailing
    When executing query:   
      """
      RETURN 1
      """
    Then a SyntaxError should be raised at compile time: UnexpectedSyntax
"#;

    #[test]
    fn feature_with_background_outline_and_doc_strings() {
        let cases = parse_feature(FEATURE).unwrap();
        assert_eq!(cases.len(), 5);

        let c = &cases[0];
        assert_eq!(c.name, "[1] Plain");
        assert_eq!(c.example, None);
        assert_eq!(c.tags, vec!["@featuretag".to_string()]);
        assert_eq!(c.steps.len(), 5);
        assert_eq!(c.steps[0].text, "an empty graph");
        assert_eq!(c.steps[1].text, "having executed:");
        assert_eq!(
            c.steps[1].doc.as_deref(),
            Some("CREATE (:A)\n  CREATE (:B)")
        );
        assert_eq!(c.steps[2].text, "executing query:");
        assert_eq!(c.steps[2].doc.as_deref(), Some("MATCH (n)\nRETURN n"));
        assert_eq!(c.steps[3].text, "the result should be, in any order:");
        assert_eq!(
            c.steps[3].table,
            vec![vec!["n".to_string()], vec!["(:A)".to_string()]]
        );
        assert_eq!(c.steps[4].text, "no side effects");

        let o: Vec<&TestCase> = cases.iter().filter(|c| c.example.is_some()).collect();
        assert_eq!(o.len(), 3);
        assert_eq!(o[0].name, "[2] Outline 1");
        assert_eq!(o[0].label(), "[2] Outline 1 [1]");
        assert!(o[0].tags.contains(&"@ignore".to_string()));
        assert!(o[0].tags.contains(&"@featuretag".to_string()));
        assert_eq!(o[0].steps[3].doc.as_deref(), Some("RETURN 1 AS x"));
        assert_eq!(o[0].steps[4].table[1], vec!["1".to_string()]);
        assert_eq!(
            o[0].steps[5].table,
            vec![vec!["+nodes".to_string(), "0".to_string()]]
        );
        assert_eq!(o[1].example, Some(2));
        assert_eq!(o[1].steps[3].doc.as_deref(), Some("RETURN 'a|b' AS x"));
        assert_eq!(o[2].example, Some(3));
        assert_eq!(o[2].steps[5].table[0][1], "1");

        let c = &cases[4];
        assert_eq!(c.name, "[3] Trailing");
        assert_eq!(c.steps[2].text, "executing query:");
        assert_eq!(
            c.steps[3].text,
            "a SyntaxError should be raised at compile time: UnexpectedSyntax"
        );
    }

    #[test]
    fn rows() {
        assert_eq!(parse_row("| a | b |"), vec!["a", "b"]);
        assert_eq!(parse_row("|  'x\\|y'  |"), vec!["'x|y'"]);
        assert_eq!(parse_row(r"| 'a\\\\b' |"), vec![r"'a\\b'"]);
        assert_eq!(parse_row(r"| '\nFoo\n' |"), vec!["'\nFoo\n'"]);
        assert_eq!(parse_row(r"| '\'' |"), vec![r"'\''"]);
        assert_eq!(parse_row("||"), vec![""]);
    }

    #[test]
    fn errors() {
        assert!(
            parse_feature("Feature: x\n  Scenario: a\n    When q:\n      \"\"\"\n      x\n")
                .is_err()
        );
        assert!(parse_feature("Feature: x\n  Examples:\n").is_err());
    }
}
