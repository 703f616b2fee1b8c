//! The crate's modules depend on each other one way only.

#[test]
fn no_module_depends_on_one_that_depends_back_on_it() {
    let src = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"));
    let cycles = test_support::modules::cycles(src);
    assert!(cycles.is_empty(), "modules that depend on each other: {cycles:?}");
}
