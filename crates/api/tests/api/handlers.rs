//! Handlers stay thin: they parse, call one service and map the result, in a screenful.

const MAX_HANDLER_LINES: usize = 30;

#[test]
fn every_handler_fits_in_thirty_lines() {
    let routes = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src/routes"));
    let mut too_long = Vec::new();
    for entry in std::fs::read_dir(routes).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (start, line) in lines.iter().enumerate() {
            if !line.starts_with("pub async fn ") {
                continue;
            }
            let length = lines[start..].iter().position(|l| *l == "}").unwrap() + 1;
            if length > MAX_HANDLER_LINES {
                too_long.push(format!("{}:{} ({length} lines)", path.display(), start + 1));
            }
        }
    }
    assert!(too_long.is_empty(), "handlers over {MAX_HANDLER_LINES} lines: {too_long:#?}");
}
