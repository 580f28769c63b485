//! The README's configuration examples are real: every TOML block parses
//! with the loader it documents (both refuse unknown keys), commented-out
//! keys included, so a renamed or misplaced key fails here.

use tests::spawn::workspace;

/// The TOML blocks between the headings `from` and `to`, with `# key =`
/// lines uncommented.
fn toml_blocks(readme: &str, from: &str, to: &str) -> Vec<String> {
    let start = readme.find(from).expect("the section exists");
    let end = start + readme[start..].find(to).expect("the next section exists");
    readme[start..end]
        .split("```toml\n")
        .skip(1)
        .map(|block| {
            let block = block.split("```").next().unwrap_or_default();
            block
                .lines()
                .map(|line| match line.strip_prefix("# ") {
                    Some(key) if key.split_once(" = ").is_some_and(|(k, _)| !k.contains(' ')) => {
                        key
                    }
                    _ => line,
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect()
}

#[test]
fn configuration_examples_parse() {
    let readme = std::fs::read_to_string(workspace().join("README.md")).unwrap();
    let authdns = toml_blocks(&readme, "\n## Configuration file", "\n## Resolving");
    assert_eq!(authdns.len(), 1);
    for block in &authdns {
        if let Err(e) = authdns::config::RawConfig::from_toml(block) {
            panic!("authdns: {e:#}\n{block}");
        }
    }
    let resolver = toml_blocks(&readme, "\n## Resolving", "\n## Security");
    assert!(resolver.len() >= 2, "{}", resolver.len());
    for block in &resolver {
        if let Err(e) = resolver::config::RawConfig::from_toml(block) {
            panic!("resolver: {e:#}\n{block}");
        }
    }
}
