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
//! [`Filter`]. Their items are anything that converts into a [`FilterTerm`]:
//! a [`Condition`] (what [`Property`] builds), a nested [`Filter`] (the
//! generator emits those `From` impls), or a [`FilterTerm`] itself. To mix
//! conditions and filters in one array, convert the items with
//! `FilterTerm::from` / `.into()`:
//!
//! ```
//! use app_academy::filter::{Filter, FilterExt, FilterTerm, Property};
//!
//! let name = Property::new("name");
//! let filter = Filter::and([
//!     FilterTerm::from(name.ends_with("s")),
//!     Filter::or([name.equals_to("Gandhi"), name.equals_to("Rocky")]).into(),
//! ]);
//! # let _ = filter;
//! ```
//!
//! An empty `and`/`or` list is left out of the JSON (the generated type skips
//! empty lists), so `Filter::and(Vec::<FilterTerm>::new())` serializes as `{}`.

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
        I::Item: Into<FilterTerm>;

    /// `{"or": [...]}`: at least one item must match.
    fn or<I>(terms: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<FilterTerm>;
}

fn collect<I>(terms: I) -> Vec<FilterTerm>
where
    I: IntoIterator,
    I::Item: Into<FilterTerm>,
{
    terms.into_iter().map(Into::into).collect()
}

impl FilterExt for Filter {
    fn and<I>(terms: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<FilterTerm>,
    {
        Filter {
            and: collect(terms),
            ..Filter::default()
        }
    }

    fn or<I>(terms: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<FilterTerm>,
    {
        Filter {
            or: collect(terms),
            ..Filter::default()
        }
    }
}
