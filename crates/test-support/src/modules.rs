//! Module cycles inside a crate, found from its source: which module files refer to which
//! (`crate::…` and `super::…` paths), with a reference between a module and its own parent or
//! child not counted (that is how Rust code is nested, not a cycle). Test code (from the first
//! `#[cfg(test)]` of a file on) is left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every group of modules that refer to each other in a circle, each group sorted.
pub fn cycles(src: &Path) -> Vec<Vec<String>> {
    let files = module_files(src, src);
    let known: BTreeSet<String> = files.keys().cloned().collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in &files {
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let edges = graph.entry(module.clone()).or_default();
        for target in references(module, code, &known) {
            let related = target == *module || is_within(&target, module) || is_within(module, &target);
            if !related {
                edges.insert(target);
            }
        }
    }
    strongly_connected(&graph).into_iter().filter(|group| group.len() > 1).collect()
}

/// `crate::a::b` for `src/a/b.rs` and `src/a/b/mod.rs`; `crate` for `lib.rs`.
fn module_files(root: &Path, dir: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return found };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(module_files(root, &path));
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let relative = path.strip_prefix(root).unwrap_or(&path).with_extension("");
        let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
            parts.pop();
        }
        let name = std::iter::once("crate".to_owned()).chain(parts).collect::<Vec<_>>().join("::");
        found.insert(name, std::fs::read_to_string(&path).unwrap_or_default());
    }
    found
}

fn is_within(inner: &str, outer: &str) -> bool {
    inner.strip_prefix(outer).is_some_and(|rest| rest.starts_with("::"))
}

/// The modules `code` (of `module`) names, each resolved to the longest known module prefix.
fn references(module: &str, code: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let parent = module.rsplit_once("::").map_or("crate", |(p, _)| p);
    let mut targets = BTreeSet::new();
    for (anchor, base) in [("crate::", "crate"), ("super::", parent)] {
        let mut rest = code;
        while let Some(at) = rest.find(anchor) {
            let preceded_by_ident = rest[..at].chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_');
            rest = &rest[at + anchor.len()..];
            if preceded_by_ident {
                continue;
            }
            for path in expand(rest) {
                if let Some(target) = resolve(base, &path, known) {
                    targets.insert(target);
                }
            }
        }
    }
    targets
}

/// The paths after an anchor: `a::b::C` or a group `{a::B, c}` (one level of braces).
fn expand(after: &str) -> Vec<String> {
    if let Some(group) = after.strip_prefix('{') {
        let inner = group.split('}').next().unwrap_or_default();
        return inner.split(',').map(|p| path_prefix(p.trim())).collect();
    }
    vec![path_prefix(after)]
}

fn path_prefix(text: &str) -> String {
    text.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect()
}

fn resolve(base: &str, path: &str, known: &BTreeSet<String>) -> Option<String> {
    let mut candidate = base.to_owned();
    let mut best = None;
    for segment in path.split("::").filter(|s| !s.is_empty()) {
        candidate = format!("{candidate}::{segment}");
        if known.contains(&candidate) {
            best = Some(candidate.clone());
        } else {
            break;
        }
    }
    best
}

/// Tarjan's algorithm over a small graph.
fn strongly_connected(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        groups: Vec<Vec<String>>,
    }
    fn visit<'a>(state: &mut State<'a>, node: &'a str) {
        let next = state.index.len();
        state.index.insert(node, next);
        state.low.insert(node, next);
        state.stack.push(node);
        state.on_stack.insert(node);
        let graph = state.graph;
        for target in graph.get(node).into_iter().flatten() {
            let target = target.as_str();
            if !state.index.contains_key(target) {
                visit(state, target);
                let low = state.low[target].min(state.low[node]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(target) {
                let low = state.index[target].min(state.low[node]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut group = Vec::new();
            while let Some(member) = state.stack.pop() {
                state.on_stack.remove(member);
                group.push(member.to_owned());
                if member == node {
                    break;
                }
            }
            group.sort();
            state.groups.push(group);
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        groups: Vec::new(),
    };
    for node in graph.keys() {
        if !state.index.contains_key(node.as_str()) {
            visit(&mut state, node);
        }
    }
    state.groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_cycle_through_files_and_ignores_parent_and_child() {
        let dir = crate::process::ScratchDir::new();
        let write = |name: &str, text: &str| {
            let path = dir.0.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("lib.rs", "mod a; mod b; mod c;");
        write("a/mod.rs", "mod inner;\nuse crate::b::Thing;\nuse self::inner::X;");
        write("a/inner.rs", "use super::Y;\nuse crate::{c::Z, b};");
        write("b.rs", "pub fn f() { crate::a::inner::g(); }");
        write("c.rs", "#[cfg(test)]\nmod tests { use crate::a::Y; }");
        let found = cycles(&dir.0);
        assert_eq!(found, vec![vec!["crate::a::inner".to_owned(), "crate::b".to_owned()]]);
    }
}
