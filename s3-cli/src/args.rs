//! The command line: a command, its paths, and the options `aws s3` spells the same way.

use crate::filter::Filters;

/// One parsed command line (global options already taken out).
#[derive(Debug, Default)]
pub(crate) struct Command {
    pub(crate) name: String,
    pub(crate) paths: Vec<String>,
    pub(crate) options: Options,
}

/// The options of every command; each command reads the ones it has.
#[derive(Debug, Default)]
pub(crate) struct Options {
    pub(crate) recursive: bool,
    pub(crate) dryrun: bool,
    pub(crate) quiet: bool,
    pub(crate) only_show_errors: bool,
    pub(crate) no_progress: bool,
    pub(crate) filters: Filters,
    pub(crate) delete: bool,
    pub(crate) force: bool,
    pub(crate) human_readable: bool,
    pub(crate) summarize: bool,
    pub(crate) size_only: bool,
    pub(crate) content_type: Option<String>,
    pub(crate) no_guess_mime_type: bool,
    pub(crate) storage_class: Option<String>,
    pub(crate) metadata: Vec<(String, String)>,
    pub(crate) expires_in: Option<u64>,
    pub(crate) part_size: Option<u64>,
    pub(crate) concurrency: Option<usize>,
    pub(crate) expected_size: Option<u64>,
    pub(crate) page_size: Option<i32>,
}

/// Which options each command takes, so that a misspelt or misplaced one is an error.
fn allowed(command: &str) -> Option<(&'static [&'static str], &'static [&'static str])> {
    // What every transfer command takes; `cp`/`mv` and `sync` add their own.
    const TRANSFER: &[&str] = &[
        "--dryrun",
        "--quiet",
        "--only-show-errors",
        "--no-progress",
        "--exclude",
        "--include",
        "--content-type",
        "--no-guess-mime-type",
        "--storage-class",
        "--metadata",
        "--part-size",
        "--concurrency",
    ];
    const COPY: &[&str] = &["--recursive", "--expected-size"];
    const SYNC: &[&str] = &["--delete", "--size-only"];
    const NONE: &[&str] = &[];
    Some(match command {
        "ls" => (
            &[
                "--recursive",
                "--human-readable",
                "--summarize",
                "--page-size",
            ],
            NONE,
        ),
        "cp" | "mv" => (TRANSFER, COPY),
        "sync" => (TRANSFER, SYNC),
        "rm" => (
            &[
                "--recursive",
                "--dryrun",
                "--quiet",
                "--only-show-errors",
                "--exclude",
                "--include",
            ],
            NONE,
        ),
        "mb" => (NONE, NONE),
        "rb" => (&["--force"], NONE),
        "presign" => (&["--expires-in"], NONE),
        _ => return None,
    })
}

/// How many paths each command takes: (at least, at most).
fn arity(command: &str) -> (usize, usize) {
    match command {
        "ls" => (0, 1),
        "cp" | "mv" | "sync" => (2, 2),
        _ => (1, 1),
    }
}

pub(crate) fn parse(args: &[String]) -> Result<Command, String> {
    let mut it = args.iter();
    let name = it
        .next()
        .ok_or("no command given; one of ls, cp, mv, rm, mb, rb, sync, presign")?
        .clone();
    let allowed = allowed(&name).ok_or_else(|| {
        format!("unknown command `{name}`; one of ls, cp, mv, rm, mb, rb, sync, presign")
    })?;
    let mut command = Command {
        name: name.clone(),
        ..Default::default()
    };
    let o = &mut command.options;
    while let Some(arg) = it.next() {
        if !arg.starts_with("--") || arg == "-" {
            command.paths.push(arg.clone());
            continue;
        }
        if !allowed.0.contains(&arg.as_str()) && !allowed.1.contains(&arg.as_str()) {
            return Err(format!("`{name}` has no option {arg}"));
        }
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{arg} needs a value"))
        };
        match arg.as_str() {
            "--recursive" => o.recursive = true,
            "--dryrun" => o.dryrun = true,
            "--quiet" => o.quiet = true,
            "--only-show-errors" => o.only_show_errors = true,
            "--no-progress" => o.no_progress = true,
            "--delete" => o.delete = true,
            "--force" => o.force = true,
            "--human-readable" => o.human_readable = true,
            "--summarize" => o.summarize = true,
            "--size-only" => o.size_only = true,
            "--no-guess-mime-type" => o.no_guess_mime_type = true,
            "--exclude" => o.filters.exclude(&value()?)?,
            "--include" => o.filters.include(&value()?)?,
            "--content-type" => o.content_type = Some(value()?),
            "--storage-class" => o.storage_class = Some(value()?),
            "--metadata" => o.metadata = metadata(&value()?)?,
            "--expires-in" => o.expires_in = Some(number(arg, &value()?)?),
            "--part-size" => o.part_size = Some(size(arg, &value()?)?),
            "--concurrency" => o.concurrency = Some(number(arg, &value()?)? as usize),
            "--expected-size" => o.expected_size = Some(size(arg, &value()?)?),
            "--page-size" => o.page_size = Some(number(arg, &value()?)?.clamp(1, 1000) as i32),
            _ => return Err(format!("`{name}` has no option {arg}")),
        }
    }
    let (least, most) = arity(&name);
    if command.paths.len() < least || command.paths.len() > most {
        let want = if least == most {
            format!("{least}")
        } else {
            format!("{least} to {most}")
        };
        return Err(format!(
            "`{name}` takes {want} path(s), got {}",
            command.paths.len()
        ));
    }
    Ok(command)
}

fn number(flag: &str, value: &str) -> Result<u64, String> {
    value
        .parse()
        .map_err(|_| format!("{flag} takes a whole number, not `{value}`"))
}

/// A size in bytes: `8388608`, `8MiB`, `8MB`, `64KiB`, `1GiB`.
pub(crate) fn size(flag: &str, value: &str) -> Result<u64, String> {
    let v = value.trim();
    let split = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let (digits, unit) = v.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{flag} takes a size such as 8MiB, not `{value}`"))?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1000,
        "kib" | "k" => 1 << 10,
        "mb" => 1000 * 1000,
        "mib" | "m" => 1 << 20,
        "gb" => 1000 * 1000 * 1000,
        "gib" | "g" => 1 << 30,
        other => return Err(format!("{flag}: unknown unit `{other}` in `{value}`")),
    };
    n.checked_mul(scale)
        .ok_or_else(|| format!("{flag}: `{value}` is too large"))
}

/// `key=value,key2=value2`, or the AWS CLI's JSON form `{"key":"value"}`.
fn metadata(value: &str) -> Result<Vec<(String, String)>, String> {
    let v = value.trim();
    if let Some(inner) = v.strip_prefix('{').and_then(|v| v.strip_suffix('}')) {
        return inner
            .split(',')
            .filter(|p| !p.trim().is_empty())
            .map(|pair| {
                let (k, val) = pair
                    .split_once(':')
                    .ok_or_else(|| format!("--metadata: `{pair}` is not \"key\":\"value\""))?;
                let unquote = |s: &str| s.trim().trim_matches('"').to_string();
                Ok((unquote(k), unquote(val)))
            })
            .collect();
    }
    v.split(',')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            pair.split_once('=')
                .map(|(k, val)| (k.to_string(), val.to_string()))
                .ok_or_else(|| format!("--metadata: `{pair}` is not key=value"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn commands_paths_and_options() {
        let c = parse(&args(
            "cp ./a s3://b/k --recursive --exclude *.tmp --part-size 16MiB",
        ))
        .unwrap();
        assert_eq!(c.name, "cp");
        assert_eq!(c.paths, ["./a", "s3://b/k"]);
        assert!(c.options.recursive);
        assert_eq!(c.options.part_size, Some(16 << 20));
        assert!(!c.options.filters.keeps("x.tmp"));
        assert_eq!(
            parse(&args("cp - s3://b/k")).unwrap().paths,
            ["-", "s3://b/k"]
        );
        let c = parse(&args("cp a b --metadata k1=v1,k2=v2")).unwrap();
        assert_eq!(
            c.options.metadata,
            [("k1".into(), "v1".into()), ("k2".into(), "v2".into())]
        );
    }

    #[test]
    fn mistakes_are_named() {
        let err = |line: &str| parse(&args(line)).unwrap_err();
        assert!(err("frobnicate").contains("unknown command `frobnicate`"));
        assert!(err("ls --delete").contains("`ls` has no option --delete"));
        assert!(err("cp a").contains("takes 2 path(s), got 1"));
        assert!(err("cp a b --part-size lots").contains("--part-size"));
        assert!(err("presign s3://b/k --expires-in").contains("--expires-in needs a value"));
        assert_eq!(size("x", "8MB").unwrap(), 8_000_000);
    }
}
