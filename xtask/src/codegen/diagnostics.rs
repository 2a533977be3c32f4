//! Located generator errors. Every problem in the input becomes a [`Diagnostic`] that names the spec
//! file, the line (and column when known) of the markdown block, and a JSON pointer inside the
//! document; stages collect them into [`Diagnostics`] instead of stopping at the first.

use std::fmt;

/// Where something came from in the specs: `specs/make-api-v2/connections.md:11`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Location {
    /// Path of the spec file as given to the generator (relative to the working directory).
    pub file: String,
    /// 1-based line of the fenced block (or of the error inside it).
    pub line: usize,
    /// 1-based column, when a parser reported one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub col: Option<usize>,
}

impl Location {
    /// A location at a line of a file.
    pub fn new(file: impl Into<String>, line: usize) -> Self {
        Location { file: file.into(), line, col: None }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)?;
        if let Some(col) = self.col {
            write!(f, ":{col}")?;
        }
        Ok(())
    }
}

/// One problem in the input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Where it is, when it is in a file.
    pub location: Option<Location>,
    /// JSON pointer inside the OpenAPI document (`#/paths/~1connections/get`), when known.
    pub pointer: Option<String>,
    /// What is wrong, in words.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic at a location.
    pub fn at(location: &Location, message: impl Into<String>) -> Self {
        Diagnostic { location: Some(location.clone()), pointer: None, message: message.into() }
    }

    /// A diagnostic that is not inside any file (a missing folder, say).
    pub fn global(message: impl Into<String>) -> Self {
        Diagnostic { location: None, pointer: None, message: message.into() }
    }

    /// Adds the JSON pointer inside the document.
    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = &self.location {
            write!(f, "{loc}")?;
            if let Some(p) = &self.pointer {
                write!(f, " {p}")?;
            }
            write!(f, ": ")?;
        } else if let Some(p) = &self.pointer {
            write!(f, "{p}: ")?;
        }
        write!(f, "{}", self.message)
    }
}

/// All the problems found, sorted and without repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// True when nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Moves the diagnostics of `other` into `self`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// `Ok(value)` when empty, the sorted diagnostics otherwise.
    pub fn into_result<T>(mut self, value: T) -> Result<T, Diagnostics> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            self.0.sort();
            self.0.dedup();
            Err(self)
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "error: {d}")?;
        }
        write!(f, "{} error(s)", self.0.len())
    }
}

impl std::error::Error for Diagnostics {}

/// Escapes one JSON pointer token (`/` -> `~1`, `~` -> `~0`).
pub fn pointer_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// What a JSON value is, with its article, for messages: "found a string".
pub fn json_kind(v: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_line_and_pointer() {
        let d = Diagnostic::at(&Location::new("specs/a.md", 12), "bad").with_pointer("#/paths/~1x");
        assert_eq!(d.to_string(), "specs/a.md:12 #/paths/~1x: bad");
        assert_eq!(pointer_token("/a~b"), "~1a~0b");
    }

    #[test]
    fn into_result_sorts_and_dedups() {
        let mut ds = Diagnostics::default();
        ds.push(Diagnostic::at(&Location::new("b.md", 1), "x"));
        ds.push(Diagnostic::at(&Location::new("a.md", 1), "x"));
        ds.push(Diagnostic::at(&Location::new("a.md", 1), "x"));
        let err = ds.into_result(()).unwrap_err();
        assert_eq!(err.0.len(), 2);
        assert_eq!(err.0[0].location.as_ref().unwrap().file, "a.md");
    }
}
