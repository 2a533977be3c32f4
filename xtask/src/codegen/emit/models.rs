//! The models crate: serde types for every named schema, and the `Scope` enum. Structs derive
//! `Default` when they can so callers write `Foo { name: Some(..), ..Default::default() }`;
//! enums keep unknown values in `Other(String)`.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, format_file, header, ident, rust_type, OutputFile};
use crate::codegen::ir::{Api, TypeDef, TypeKind, TypeRef};

/// `<models>/src/lib.rs`.
pub fn emit(api: &Api) -> Vec<OutputFile> {
    let defaultable = super::defaultable(api);
    let no_links = |_: &str| None;
    let crate_doc = docs::inner_attrs(&format!(
        "Data types of the {} ({}), generated from its published documentation.\n\nThe client crate `{}` sends and receives these types; this crate has no HTTP code.",
        super::api_title(api), api.name, api.client_crate
    ));
    // The types are formatted in parallel parts of up to 64 and joined in order.
    let parts: Vec<&[TypeDef]> = api.types.chunks(64).collect();
    let formatted = super::par_map(&parts, |part| {
        let types = part.iter().map(|t| type_def(t, &defaultable, &no_links));
        super::format_items(quote! { #(#types)* })
    });
    let scope = scope_enum(api);
    let json_string = api.uses_json_string().then(|| quote! {
        pub use ::make_runtime::JsonString;
    });
    let head = format_file(&header(api, "//"), quote! { #crate_doc #json_string #scope });
    let contents = format!("{head}{}", formatted.concat());
    vec![OutputFile { path: format!("{}/src/lib.rs", api.models_crate), contents }]
}

fn type_def(t: &TypeDef, defaultable: &BTreeSet<String>, links: &dyn Fn(&str) -> Option<String>) -> TokenStream {
    let name = ident(&t.name);
    let doc_text = t.docs.as_deref().map(|d| docs::sanitize(d, links)).unwrap_or_else(|| match &t.kind {
        TypeKind::Struct { .. } => format!("The `{}` object.", t.name),
        TypeKind::Enum { .. } => format!("The values of `{}`.", t.name),
        TypeKind::Union { .. } => format!("One of the forms of `{}`.", t.name),
    });
    let doc = docs::attrs(&doc_text);
    let models = TokenStream::new();
    match &t.kind {
        TypeKind::Struct { fields, flatten, extra } => {
            let derive_default = defaultable.contains(&t.name).then(|| quote!(Default,));
            let fields = fields.iter().map(|f| {
                let fname = ident(&f.rust_name);
                let inner = rust_type(&f.ty, &models);
                let inner = if f.boxed { quote!(::std::boxed::Box<#inner>) } else { inner };
                let optional = f.is_option();
                let ty = if optional { quote!(::std::option::Option<#inner>) } else { inner };
                let mut serde_args = Vec::new();
                if f.wire != f.rust_name {
                    let wire = &f.wire;
                    serde_args.push(quote!(rename = #wire));
                }
                if optional || !f.required {
                    serde_args.push(quote!(default));
                }
                if let Some(with) = decoder(f) {
                    serde_args.push(quote!(deserialize_with = #with));
                }
                if !f.required {
                    if optional {
                        serde_args.push(quote!(skip_serializing_if = "::std::option::Option::is_none"));
                    } else {
                        serde_args.push(quote!(skip_serializing_if = "::std::vec::Vec::is_empty"));
                    }
                }
                let serde_attr = (!serde_args.is_empty()).then(|| quote!(#[serde(#(#serde_args),*)]));
                let fdoc = f.docs.as_deref().map(|d| docs::sanitize(d, links)).unwrap_or_else(|| format!("`{}`", f.wire));
                // A field sent as a string holding JSON: say how to build one from text too.
                let how = if matches!(&f.ty, TypeRef::JsonString(_)) {
                    "\n\nBuild it from a value with `JsonString::new(value)`, or from JSON text you already hold with `JsonString::from_json_text(text)?`."
                } else {
                    ""
                };
                let fdoc = docs::attrs(&format!("{fdoc}{}{how}", docs::allowed(&f.allowed)));
                quote! { #fdoc #serde_attr pub #fname: #ty, }
            });
            let flattened = flatten.iter().map(|f| {
                let fname = ident(&f.rust_name);
                let ty = rust_type(&f.ty, &models);
                let d = match &f.ty {
                    TypeRef::Named(n) => docs::attrs(&format!("The fields of [`{n}`].")),
                    _ => docs::attrs("Included fields."),
                };
                quote! { #d #[serde(flatten)] pub #fname: #ty, }
            });
            let extra = extra.as_ref().map(|e| {
                let ty = rust_type(e, &models);
                quote! {
                    /// Properties not named in the docs, kept as sent.
                    #[serde(flatten)]
                    pub extra: ::std::collections::BTreeMap<::std::string::String, #ty>,
                }
            });
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, #derive_default ::serde::Serialize, ::serde::Deserialize)]
                pub struct #name {
                    #(#fields)*
                    #(#flattened)*
                    #extra
                }
            }
        }
        TypeKind::Enum { values } => {
            let variants = values.iter().map(|v| {
                let vn = ident(&v.rust_name);
                let wire = &v.wire;
                let d = docs::attrs(&format!("`{wire}`"));
                quote! { #d #[serde(rename = #wire)] #vn, }
            });
            let as_str = values.iter().map(|v| {
                let vn = ident(&v.rust_name);
                let wire = &v.wire;
                quote! { Self::#vn => #wire, }
            });
            let from_str = values.iter().map(|v| {
                let vn = ident(&v.rust_name);
                let wire = &v.wire;
                quote! { #wire => Self::#vn, }
            });
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
                #[non_exhaustive]
                pub enum #name {
                    #(#variants)*
                    /// A value the docs did not list when this crate was generated.
                    #[serde(untagged, deserialize_with = "::make_decode::lenient")]
                    Other(::std::string::String),
                }

                impl #name {
                    /// The value on the wire.
                    pub fn as_str(&self) -> &str {
                        match self {
                            #(#as_str)*
                            Self::Other(value) => value,
                        }
                    }
                }

                impl ::std::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }

                impl ::std::convert::From<&str> for #name {
                    fn from(value: &str) -> Self {
                        match value {
                            #(#from_str)*
                            other => Self::Other(other.to_string()),
                        }
                    }
                }

                impl ::std::str::FromStr for #name {
                    type Err = ::std::convert::Infallible;
                    fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                        Ok(Self::from(value))
                    }
                }
            }
        }
        TypeKind::Union { variants, discriminator: Some(property) } => tagged_union(&name, doc, variants, property, &models),
        TypeKind::Union { variants, discriminator: None } => {
            let vs = variants.iter().map(|v| {
                let vn = ident(&v.rust_name);
                let ty = rust_type(&v.ty, &models);
                let ty = if v.boxed { quote!(::std::boxed::Box<#ty>) } else { ty };
                let d = docs::attrs(&format!("A `{}`.", v.rust_name));
                let with = is_lenient(&v.ty).then(|| quote!(#[serde(deserialize_with = "::make_decode::lenient")]));
                quote! { #d #with #vn(#ty), }
            });
            // `From` each alternative, when no two alternatives share a Rust type.
            let types: Vec<String> = variants.iter().map(|v| rust_type(&v.ty, &models).to_string()).collect();
            let distinct = types.iter().collect::<BTreeSet<_>>().len() == types.len();
            let froms = variants.iter().filter(|_| distinct).map(|v| {
                let vn = ident(&v.rust_name);
                let ty = rust_type(&v.ty, &models);
                let wrap = if v.boxed { quote!(::std::boxed::Box::new(value)) } else { quote!(value) };
                quote! {
                    impl ::std::convert::From<#ty> for #name {
                        fn from(value: #ty) -> Self {
                            Self::#vn(#wrap)
                        }
                    }
                }
            });
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                #[serde(untagged)]
                pub enum #name {
                    #(#vs)*
                }

                #(#froms)*
            }
        }
    }
}

/// A union with a discriminator: the property's value picks the alternative (an unknown value
/// is kept in `Other`), and encoding writes the tag back when the alternative lacks it.
fn tagged_union(name: &syn::Ident, doc: TokenStream, variants: &[crate::codegen::ir::UnionVariant], property: &str, models: &TokenStream) -> TokenStream {
    let vs = variants.iter().map(|v| {
        let vn = ident(&v.rust_name);
        let ty = rust_type(&v.ty, models);
        let ty = if v.boxed { quote!(::std::boxed::Box<#ty>) } else { ty };
        let tags = v.tags.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ");
        let d = docs::attrs(&format!("`{property}` is {tags}."));
        quote! { #d #vn(#ty), }
    });
    let ser = variants.iter().map(|v| {
        let vn = ident(&v.rust_name);
        let tag = v.tags.first().map(String::as_str).unwrap_or_default();
        quote! { Self::#vn(value) => ::make_runtime::union::serialize_tagged(value, #property, #tag, serializer), }
    });
    let de = variants.iter().map(|v| {
        let vn = ident(&v.rust_name);
        let tags = &v.tags;
        quote! {
            ::std::option::Option::Some(#(#tags)|*) => ::serde_json::from_value(value).map(Self::#vn).map_err(::serde::de::Error::custom),
        }
    });
    let types: Vec<String> = variants.iter().map(|v| rust_type(&v.ty, models).to_string()).collect();
    let distinct = types.iter().collect::<BTreeSet<_>>().len() == types.len();
    let froms = variants.iter().filter(|_| distinct).map(|v| {
        let vn = ident(&v.rust_name);
        let ty = rust_type(&v.ty, models);
        let wrap = if v.boxed { quote!(::std::boxed::Box::new(value)) } else { quote!(value) };
        quote! {
            impl ::std::convert::From<#ty> for #name {
                fn from(value: #ty) -> Self {
                    Self::#vn(#wrap)
                }
            }
        }
    });
    let other_doc = docs::attrs(&format!("A `{property}` value the docs did not list when this crate was generated (or none), kept as sent."));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#vs)*
            #other_doc
            Other(::serde_json::Value),
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#ser)*
                    Self::Other(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = ::make_runtime::union::tag(&value, #property).map(::std::borrow::ToOwned::to_owned);
                match tag.as_deref() {
                    #(#de)*
                    _ => ::std::result::Result::Ok(Self::Other(value)),
                }
            }
        }

        #(#froms)*
    }
}

/// An optional list, which the models keep as a `Vec` that is empty when absent (or `null`).
fn is_optional_list(f: &crate::codegen::ir::Field) -> bool {
    !f.is_option() && !f.required && matches!(f.ty, TypeRef::Vec(_))
}

/// The decoding policy's entry point for a field (see `make_decode`): strings and numbers (and
/// lists, maps and options of them) are read leniently; an optional list also takes `null`.
fn decoder(f: &crate::codegen::ir::Field) -> Option<&'static str> {
    match (is_optional_list(f), is_lenient(&f.ty)) {
        (true, true) => Some("::make_decode::lenient_or_default"),
        (true, false) => Some("::make_decode::or_default"),
        (false, true) => Some("::make_decode::lenient"),
        (false, false) => None,
    }
}

/// Whether a type's leaves are strings or numbers, which the decoding policy reads leniently.
/// Named types, dates and free JSON decode with their own `Deserialize`.
fn is_lenient(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::String | TypeRef::Integer { .. } | TypeRef::Number { .. } => true,
        TypeRef::Vec(inner) | TypeRef::Map(inner) => is_lenient(inner),
        _ => false,
    }
}

fn scope_enum(api: &Api) -> TokenStream {
    if api.scopes.is_empty() {
        return TokenStream::new();
    }
    let variants = api.scopes.iter().map(|s| {
        let vn = ident(&s.rust_name);
        let wire = &s.wire;
        let d = docs::attrs(&format!("`{wire}`: required by {}.", s.operations.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", ")));
        quote! { #d #[serde(rename = #wire)] #vn, }
    });
    let as_str = api.scopes.iter().map(|s| {
        let vn = ident(&s.rust_name);
        let wire = &s.wire;
        quote! { Self::#vn => #wire, }
    });
    let from_str = api.scopes.iter().map(|s| {
        let vn = ident(&s.rust_name);
        let wire = &s.wire;
        quote! { #wire => Ok(Self::#vn), }
    });
    let all = api.scopes.iter().map(|s| {
        let vn = ident(&s.rust_name);
        quote!(Self::#vn)
    });
    let count = proc_macro2::Literal::usize_unsuffixed(api.scopes.len());
    quote! {
        /// A token scope some operation of this API requires.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        pub enum Scope {
            #(#variants)*
        }

        impl Scope {
            /// Every scope, sorted by name.
            pub const ALL: [Scope; #count] = [#(#all),*];

            /// The scope as Make writes it (`connections:read`).
            pub fn as_str(self) -> &'static str {
                match self {
                    #(#as_str)*
                }
            }
        }

        impl ::std::fmt::Display for Scope {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::AsRef<str> for Scope {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::std::str::FromStr for Scope {
            type Err = UnknownScope;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                match value {
                    #(#from_str)*
                    other => Err(UnknownScope(other.to_string())),
                }
            }
        }

        /// A scope name that no operation of this API requires.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct UnknownScope(pub ::std::string::String);

        impl ::std::fmt::Display for UnknownScope {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "unknown scope `{}`", self.0)
            }
        }

        impl ::std::error::Error for UnknownScope {}
    }
}
