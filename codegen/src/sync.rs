//! Writing generated files to disk, or checking that the files on disk are current.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;

/// What [`sync`] found or did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Files written (or, when checking, that differ or are missing).
    pub changed: Vec<String>,
    /// Files removed (or, when checking, that should not exist).
    pub orphans: Vec<String>,
}

impl SyncReport {
    /// True when the directory already matched.
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty() && self.orphans.is_empty()
    }
}

/// Makes `dir` hold exactly `files` (relative path to contents): writes what differs and
/// removes `.rs` files that are no longer generated. With `check`, changes nothing and
/// only reports.
pub fn sync(dir: &Path, files: &BTreeMap<String, String>, check: bool) -> io::Result<SyncReport> {
    let mut report = SyncReport::default();
    for (rel, contents) in files {
        let path = dir.join(rel);
        let current = fs::read_to_string(&path).ok();
        if current.as_deref() != Some(contents.as_str()) {
            report.changed.push(rel.clone());
            if !check {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent)?;
                }
                fs::write(&path, contents)?;
            }
        }
    }
    let mut existing = Vec::new();
    list_rs(dir, dir, &mut existing)?;
    for rel in existing {
        if !files.contains_key(&rel) {
            if !check {
                fs::remove_file(dir.join(&rel))?;
            }
            report.orphans.push(rel);
        }
    }
    Ok(report)
}

fn list_rs(root: &Path, dir: &Path, out: &mut Vec<String>) -> io::Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            list_rs(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs")
            && let Ok(rel) = path.strip_prefix(root)
        {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    out.sort();
    Ok(())
}
