//! The layers of the crate, as data, and the test that keeps the code to them.
//!
//! A module may use the modules of the layers below its own; inside the domains' layer they
//! may use each other as long as no cycle forms. `docs/architecture.md` tells the same in
//! prose. The test reads `src/` and fails on any `crate::x` path that breaks the rule, so a
//! new dependency upwards or a new cycle is caught in review, not discovered in a refactor.

/// The layers, bottom first.
pub const LAYERS: &[(&str, &[&str])] = &[
    (
        "infrastructure: knows no domain",
        &[
            "db", "error", "error_zh", "time", "i18n", "config", "cache", "http", "outbox", "live",
            "audit", "tls",
        ],
    ),
    ("accounts and sessions", &["auth"]),
    ("the guest registry", &["guests"]),
    (
        "the domains",
        &["passes", "hotels", "pickups", "meals", "hygiene", "scan"],
    ),
    (
        "use cases across domains",
        &["arrangements", "letters", "accounts", "reception"],
    ),
    ("the application", &["demo", "openapi", "web", "layers"]),
];

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    use super::LAYERS;

    fn layer_of(module: &str) -> Option<usize> {
        LAYERS.iter().position(|(_, ms)| ms.contains(&module))
    }

    /// Every `crate::x` a module's files name outside comments: module → modules it uses.
    fn uses() -> BTreeMap<String, BTreeSet<String>> {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut stack = vec![src.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("src readable") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let rel = path.strip_prefix(&src).expect("under src");
                let module = rel
                    .components()
                    .next()
                    .and_then(|c| c.as_os_str().to_str())
                    .map(|m| m.trim_end_matches(".rs").to_string())
                    .expect("a module");
                let text = std::fs::read_to_string(&path).expect("readable");
                for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
                    for (i, _) in line.match_indices("crate::") {
                        let name: String = line[i + 7..]
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                            .collect();
                        if name != module && layer_of(&name).is_some() {
                            out.entry(module.clone()).or_default().insert(name);
                        }
                    }
                }
            }
        }
        out
    }

    #[test]
    fn every_module_of_the_crate_has_a_layer() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        for entry in std::fs::read_dir(src).expect("src") {
            let name = entry.expect("entry").file_name();
            let name = name.to_string_lossy();
            let module = name.trim_end_matches(".rs");
            if matches!(module, "lib" | "main") {
                continue;
            }
            assert!(
                layer_of(module).is_some(),
                "src/{name} is in no layer of src/layers.rs: say where it belongs"
            );
        }
    }

    #[test]
    fn no_module_uses_a_layer_above_its_own() {
        let mut wrong = Vec::new();
        for (module, used) in uses() {
            let Some(own) = layer_of(&module) else {
                continue;
            };
            for u in used {
                if layer_of(&u).is_some_and(|l| l > own) {
                    wrong.push(format!("{module} ({}) uses {u} ({})", LAYERS[own].0, {
                        LAYERS[layer_of(&u).unwrap_or(0)].0
                    }));
                }
            }
        }
        assert!(wrong.is_empty(), "upward uses:\n{}", wrong.join("\n"));
    }

    #[test]
    fn modules_of_one_layer_use_each_other_without_a_cycle() {
        let uses = uses();
        // Depth-first search for a path back to the start, within one layer.
        fn reaches(
            uses: &BTreeMap<String, BTreeSet<String>>,
            from: &str,
            to: &str,
            seen: &mut BTreeSet<String>,
        ) -> bool {
            uses.get(from).into_iter().flatten().any(|next| {
                next == to || (seen.insert(next.clone()) && reaches(uses, next, to, seen))
            })
        }
        let mut cycles = Vec::new();
        for (module, used) in &uses {
            for u in used {
                if layer_of(u) == layer_of(module)
                    && reaches(&uses, u, module, &mut BTreeSet::new())
                {
                    cycles.push(format!("{module} → {u} → … → {module}"));
                }
            }
        }
        assert!(cycles.is_empty(), "cycles:\n{}", cycles.join("\n"));
    }
}
