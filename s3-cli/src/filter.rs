//! `--exclude` and `--include`, as the AWS CLI applies them: every path is included
//! unless a filter says otherwise, the filters are read in order and the last one that
//! matches decides. Patterns are matched against the path under the source (`a/b.txt`)
//! with `*` (which crosses `/`), `?` and `[...]`.

use glob::{MatchOptions, Pattern};

#[derive(Debug, Clone, Default)]
pub(crate) struct Filters(Vec<(bool, Pattern)>);

const OPTIONS: MatchOptions = MatchOptions {
    case_sensitive: true,
    require_literal_separator: false,
    require_literal_leading_dot: false,
};

impl Filters {
    pub(crate) fn exclude(&mut self, pattern: &str) -> Result<(), String> {
        self.add(false, pattern)
    }

    pub(crate) fn include(&mut self, pattern: &str) -> Result<(), String> {
        self.add(true, pattern)
    }

    fn add(&mut self, include: bool, pattern: &str) -> Result<(), String> {
        let p = Pattern::new(pattern).map_err(|e| format!("bad pattern `{pattern}`: {e}"))?;
        self.0.push((include, p));
        Ok(())
    }

    /// Whether the path under the source is transferred.
    pub(crate) fn keeps(&self, relative: &str) -> bool {
        self.0
            .iter()
            .rev()
            .find(|(_, p)| p.matches_with(relative, OPTIONS))
            .is_none_or(|(include, _)| *include)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_matching_filter_decides() {
        let mut f = Filters::default();
        assert!(f.keeps("anything"));
        f.exclude("*").unwrap();
        f.include("*.txt").unwrap();
        assert!(f.keeps("a.txt") && f.keeps("dir/b.txt"));
        assert!(!f.keeps("a.bin"));
        f.exclude("dir/*").unwrap();
        assert!(!f.keeps("dir/b.txt") && f.keeps("a.txt"));
        assert!(f.exclude("[").unwrap_err().contains("bad pattern"));
    }
}
