//! A builder for the chained record filters of [`Records::query`](crate::records::Records::query).
//!
//! The Academy filters records with a JSON body of nested `and`/`or` arrays
//! whose items are either nested filters or single conditions
//! `{"property": ..., <operator>: value}` with one of the operators
//! `startsWith`, `endsWith`, `contains` and `equalsTo`.
//!
//! The builder produces the generated types themselves ([`Filter`],
//! [`FilterTerm`], [`Condition`], re-exported here from [`crate::models`]), so
//! its result is passed to `query` as it is:
//!
//! ```
//! use app_academy::filter::{Filter, FilterExt, Property};
//!
//! let name = Property::new("name");
//! let filter = Filter::or([
//!     Filter::and([name.starts_with("R"), name.contains("o")]),
//!     Filter::and([name.starts_with("G"), name.contains("w")]),
//! ]);
//! assert_eq!(
//!     serde_json::to_value(&filter).unwrap(),
//!     serde_json::json!({"or": [
//!         {"and": [{"property": "name", "startsWith": "R"}, {"property": "name", "contains": "o"}]},
//!         {"and": [{"property": "name", "startsWith": "G"}, {"property": "name", "contains": "w"}]},
//!     ]}),
//! );
//! # async fn run(client: app_academy::Client, filter: Filter) -> Result<(), app_academy::Error> {
//! let movies = client.records().query("movie", filter).send().await?;
//! # let _ = movies; Ok(()) }
//! ```
//!
//! [`Filter::and`](FilterExt::and) and [`Filter::or`](FilterExt::or) come
//! from the [`FilterExt`] trait (the generated [`Filter`] is a type of another
//! crate, so its constructors have to live in a trait): import it next to
//! [`Filter`]. Their items are anything that converts into a [`Term`]: a
//! [`Condition`] (what [`Property`] builds), a nested [`Filter`], or a
//! generated [`FilterTerm`]. To mix conditions and filters in one array,
//! convert the items with `Term::from` / `.into()`:
//!
//! ```
//! use app_academy::filter::{Filter, FilterExt, Property, Term};
//!
//! let name = Property::new("name");
//! let filter = Filter::and([
//!     Term::from(name.ends_with("s")),
//!     Filter::or([name.equals_to("Gandhi"), name.equals_to("Rocky")]).into(),
//! ]);
//! # let _ = filter;
//! ```
//!
//! An empty `and`/`or` list is left out of the JSON (the generated type skips
//! empty lists), so `Filter::and(Vec::<Term>::new())` serializes as `{}`.

pub use academy_client::models::{Condition, Filter, FilterTerm};

/// A record property to filter by, e.g. `Property::new("name")`; its methods
/// build the [`Condition`]s of the four supported operators.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Property {
    name: String,
}

impl Property {
    /// The record property (parameter) called `name`, e.g. `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Property { name: name.into() }
    }

    /// The property name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn condition(&self) -> Condition {
        Condition {
            property: self.name.clone(),
            ..Condition::default()
        }
    }

    /// `{"property": <name>, "startsWith": <value>}`: the value starts with `value`.
    pub fn starts_with(&self, value: impl Into<String>) -> Condition {
        Condition {
            starts_with: Some(value.into()),
            ..self.condition()
        }
    }

    /// `{"property": <name>, "endsWith": <value>}`: the value ends with `value`.
    pub fn ends_with(&self, value: impl Into<String>) -> Condition {
        Condition {
            ends_with: Some(value.into()),
            ..self.condition()
        }
    }

    /// `{"property": <name>, "contains": <value>}`: the value contains `value`.
    pub fn contains(&self, value: impl Into<String>) -> Condition {
        Condition {
            contains: Some(value.into()),
            ..self.condition()
        }
    }

    /// `{"property": <name>, "equalsTo": <value>}`: the value equals `value`.
    pub fn equals_to(&self, value: impl Into<String>) -> Condition {
        Condition {
            equals_to: Some(value.into()),
            ..self.condition()
        }
    }
}

/// One item of an `and`/`or` list: a [`Condition`] or a nested [`Filter`].
///
/// It exists because the generated [`FilterTerm`] has no `From<Condition>` /
/// `From<Filter>` conversions and this crate cannot add them (both types
/// belong to the generated crate); `Term` has them, and converts into a
/// [`FilterTerm`].
#[derive(Debug, Clone, PartialEq)]
pub struct Term(FilterTerm);

impl Term {
    /// The generated item.
    pub fn into_inner(self) -> FilterTerm {
        self.0
    }
}

impl From<Condition> for Term {
    fn from(condition: Condition) -> Self {
        Term(FilterTerm::Condition(condition))
    }
}

impl From<Filter> for Term {
    fn from(filter: Filter) -> Self {
        Term(FilterTerm::Filter(filter))
    }
}

impl From<FilterTerm> for Term {
    fn from(term: FilterTerm) -> Self {
        Term(term)
    }
}

impl From<Term> for FilterTerm {
    fn from(term: Term) -> Self {
        term.0
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Filter {}
}

/// The constructors `Filter::and` and `Filter::or` of the generated [`Filter`].
///
/// Sealed: implemented for [`Filter`] only.
pub trait FilterExt: sealed::Sealed + Sized {
    /// `{"and": [...]}`: every item must match.
    fn and<I>(terms: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<Term>;

    /// `{"or": [...]}`: at least one item must match.
    fn or<I>(terms: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<Term>;
}

fn collect<I>(terms: I) -> Vec<FilterTerm>
where
    I: IntoIterator,
    I::Item: Into<Term>,
{
    terms.into_iter().map(|t| t.into().0).collect()
}

impl FilterExt for Filter {
    fn and<I>(terms: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<Term>,
    {
        Filter {
            and: collect(terms),
            ..Filter::default()
        }
    }

    fn or<I>(terms: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<Term>,
    {
        Filter {
            or: collect(terms),
            ..Filter::default()
        }
    }
}
