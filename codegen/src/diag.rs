//! Diagnostics: every problem found in the model, each naming the place it was found.

use std::fmt;

/// One problem in the model, with the place (file, operation, shape, member) it was found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Where the problem is, e.g. `shape GetObjectInput, member Key`.
    pub place: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// All problems found in one run of the generator, sorted so the report is stable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Records a problem at `place`.
    pub fn error(&mut self, place: impl Into<String>, message: impl Into<String>) {
        self.0.push(Diagnostic {
            place: place.into(),
            message: message.into(),
        });
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Turns the collected problems into an error, or `Ok(value)` when there are none.
    pub fn finish<T>(mut self, value: T) -> Result<T, Diagnostics> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            self.0.sort();
            self.0.dedup();
            Err(self)
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// The place of a shape in messages.
pub fn shape(name: &str) -> String {
    format!("shape {name}")
}

/// The place of a member in messages.
pub fn member(shape: &str, member: &str) -> String {
    format!("shape {shape}, member {member}")
}

/// The place of an operation in messages.
pub fn operation(name: &str) -> String {
    format!("operation {name}")
}
