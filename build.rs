//! Writes every component's scoped CSS to target/stylers.css, after guarding against a
//! stylers defect: its class name depends only on the count of non-whitespace characters of a
//! `style!` block, so two different blocks of the same length would share a class and mix.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The `style!` blocks stylers collects: `let x = style! { … };` statements of top-level functions.
fn collected_blocks(file: &syn::File) -> Vec<String> {
    let mut blocks = Vec::new();
    for item in &file.items {
        let syn::Item::Fn(f) = item else { continue };
        for stmt in &f.block.stmts {
            let syn::Stmt::Local(local) = stmt else {
                continue;
            };
            let Some(init) = &local.init else { continue };
            let syn::Expr::Macro(m) = &*init.expr else {
                continue;
            };
            if m.mac
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "style")
            {
                blocks.push(m.mac.tokens.to_string());
            }
        }
    }
    blocks
}

fn main() {
    println!("cargo:rerun-if-changed=src");
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    files.sort();
    let mut by_class: BTreeMap<String, (String, PathBuf)> = BTreeMap::new();
    for path in &files {
        let source =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file = syn::parse_file(&source).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let blocks = collected_blocks(&file);
        // A style! anywhere else would compile but its CSS would silently never be written.
        let uses = source.matches("style! {").count() + source.matches("style!{").count();
        assert_eq!(
            uses,
            blocks.len(),
            "{}: every style! must be a `let cls = style! {{ … }};` statement at the top of a top-level fn (stylers collects only those)",
            path.display()
        );
        for block in blocks {
            let class = stylers_core::Class::rand_class_from_seed(block.clone())
                .as_name()
                .to_owned();
            if let Some((other, other_path)) = by_class.get(&class) {
                assert!(
                    *other == block,
                    "stylers class collision: the style! blocks in {} and {} both get class {class} \
                     (same count of non-whitespace characters). Change one block's length, e.g. add a declaration.",
                    other_path.display(),
                    path.display()
                );
            }
            by_class.insert(class, (block, path.clone()));
        }
    }
    stylers::build(Some(String::from("./target/stylers.css")));
}
