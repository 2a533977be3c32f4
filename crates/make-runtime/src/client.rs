//! The API description constants, the client and its builder.
//!
//! Generated crates declare one [`ApiInfo`] (name, auth header, default base
//! URL, user agent) and one [`Operation`] per endpoint. [`ClientBuilder`]
//! turns [`Credentials`] and settings (base URL or private environment URL,
//! scopes, retries, rate limit, timeouts, middleware) into a [`Client`],
//! which is cheap to clone and shares its connection pool and rate limiter.

use std::collections::BTreeSet;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderMap, HeaderValue, USER_AGENT};
use reqwest::Method;
use url::Url;

use crate::error::Error;
use crate::rate_limit::{Limiter, RateLimit};
use crate::request::RequestBuilder;
use crate::retry::RetryPolicy;
use crate::token::{AuthHeader, Credentials, CredentialsKind};

/// Static facts about one API, emitted once by the generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiInfo {
    /// A short name for the API, e.g. `make-api-v2`.
    pub name: &'static str,
    /// The header carrying the token, e.g. `Authorization`.
    pub auth_header: &'static str,
    /// Put before the token in the header value: `"Token "` for Make, `""`
    /// to send the raw token.
    pub auth_prefix: &'static str,
    /// The base URL used when none is set, e.g. `https://eu1.make.com/api/v2`.
    /// Its path (`/api/v2`) is what [`ClientBuilder::environment_url`] appends.
    pub default_base_url: &'static str,
    /// The default `User-Agent`.
    pub user_agent: &'static str,
}

/// Static facts about one endpoint, emitted by the generator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The operation name used in errors and traces, e.g. `connections.list`.
    pub name: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template relative to the base URL, e.g. `/connections/{connectionId}`.
    pub path: &'static str,
    /// The token scopes the endpoint requires, e.g. `["connections:read"]`.
    pub scopes: &'static [&'static str],
}

/// A client for one API. Cheap to clone: clones share the connection pool,
/// settings and rate limiter.
///
/// Its `Debug` output never shows the token.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
    pub(crate) auth: Auth,
}

/// The credentials a client sends: their kind, and the header built from them (or why it
/// could not be built, reported when a request is sent).
#[derive(Clone, Debug)]
pub(crate) struct Auth {
    pub(crate) kind: CredentialsKind,
    pub(crate) header: Result<AuthHeader, String>,
}

impl Auth {
    fn new(credentials: &Credentials, api: &ApiInfo) -> Self {
        Auth {
            kind: credentials.kind(),
            header: credentials.header(api),
        }
    }
}

pub(crate) struct Inner {
    pub(crate) http: reqwest_middleware::ClientWithMiddleware,
    pub(crate) api: &'static ApiInfo,
    pub(crate) base_url: String,
    pub(crate) scopes: Option<BTreeSet<String>>,
    pub(crate) retry: RetryPolicy,
    pub(crate) limiter: Option<Limiter>,
    /// Total time for one attempt whose body is read whole (`ClientBuilder::timeout`).
    pub(crate) timeout: Option<Duration>,
}

impl Client {
    /// Starts a request for `op`; see [`RequestBuilder`].
    pub fn request(&self, op: &'static Operation) -> RequestBuilder {
        RequestBuilder::new(self.clone(), op)
    }

    /// The base URL every operation path is appended to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The API this client talks to.
    pub fn api(&self) -> &'static ApiInfo {
        self.inner.api
    }

    /// The retry policy in use.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.inner.retry
    }

    /// The same client acting with other credentials: for a program that calls Make for
    /// several users (each with their own OAuth access token or API token), or to use a
    /// refreshed OAuth token. The result shares this client's connection pool, settings and
    /// rate limiter; this client is unchanged. Credentials that cannot be sent in a header
    /// make every request of the result fail with [`Error::Config`] before anything is sent.
    ///
    /// For one request only, use [`RequestBuilder::credentials`].
    pub fn with_credentials(&self, credentials: impl Into<Credentials>) -> Client {
        Client {
            inner: self.inner.clone(),
            auth: Auth::new(&credentials.into(), self.inner.api),
        }
    }

    /// The kind of credentials this client sends.
    pub fn credentials_kind(&self) -> CredentialsKind {
        self.auth.kind
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("api", &i.api.name)
            .field("base_url", &i.base_url)
            .field("credentials", &format_args!("{:?}(***)", self.auth.kind))
            .field("scopes", &i.scopes)
            .field("retry", &i.retry)
            .field("rate_limit", &i.limiter)
            .finish_non_exhaustive()
    }
}

enum Target {
    Default,
    BaseUrl(String),
    Environment(String),
}

/// Builds a [`Client`], or a generated wrapper `C` that is `From<Client>`.
///
/// Defaults: the API's default base URL, [`RetryPolicy::default()`], no
/// client-side rate limit, no scope check, connect timeout 10 s, request
/// timeout 60 s, gzip, HTTPS only.
#[must_use]
pub struct ClientBuilder<C = Client> {
    credentials: Credentials,
    api: &'static ApiInfo,
    target: Target,
    scopes: Option<BTreeSet<String>>,
    retry: RetryPolicy,
    rate_limit: Option<RateLimit>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    allow_insecure_http: bool,
    middleware: Vec<Arc<dyn reqwest_middleware::Middleware>>,
    _client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let target = match &self.target {
            Target::Default => format!("default ({})", self.api.default_base_url),
            Target::BaseUrl(u) => format!("base_url {u}"),
            Target::Environment(u) => format!("environment_url {u}"),
        };
        f.debug_struct("ClientBuilder")
            .field("api", &self.api.name)
            .field("credentials", &self.credentials)
            .field("target", &target)
            .field("scopes", &self.scopes)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("middleware", &self.middleware.len())
            .finish()
    }
}

impl<C> ClientBuilder<C> {
    /// Starts a builder with the credentials and the API description. A string
    /// or a [`Token`](crate::Token) is a Make API token; for an OAuth 2.0
    /// access token pass [`Credentials::oauth_access_token`].
    pub fn new(credentials: impl Into<Credentials>, api: &'static ApiInfo) -> Self {
        ClientBuilder {
            credentials: credentials.into(),
            api,
            target: Target::Default,
            scopes: None,
            retry: RetryPolicy::default(),
            rate_limit: None,
            timeout: Some(Duration::from_secs(60)),
            connect_timeout: Some(Duration::from_secs(10)),
            user_agent: None,
            allow_insecure_http: false,
            middleware: Vec::new(),
            _client: PhantomData,
        }
    }

    /// Uses a full base URL, e.g. the zone URL `https://us1.make.com/api/v2`.
    /// Replaces an earlier `base_url` or `environment_url`.
    pub fn base_url(mut self, url: impl AsRef<str>) -> Self {
        self.target = Target::BaseUrl(url.as_ref().to_owned());
        self
    }

    /// Uses a private instance root such as `https://development.make.cloud`;
    /// the API path of [`ApiInfo::default_base_url`] (`/api/v2`) is appended
    /// unless the URL already ends with it. Replaces an earlier `base_url`.
    pub fn environment_url(mut self, url: impl AsRef<str>) -> Self {
        self.target = Target::Environment(url.as_ref().to_owned());
        self
    }

    /// Declares the scopes the token has. Every call then checks that the
    /// operation's scopes are among them and fails with
    /// [`Error::MissingScope`] before sending anything otherwise. Without
    /// this call there is no check. Replaces earlier scopes.
    pub fn scopes(mut self, scopes: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        self.scopes = Some(
            scopes
                .into_iter()
                .map(|s| s.as_ref().trim().to_owned())
                .collect(),
        );
        self
    }

    /// Sets the retry policy (default: [`RetryPolicy::default()`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Limits the requests sent by this client and its clones.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Total time allowed for one attempt, from connecting to the end of the
    /// body (default 60 s).
    ///
    /// A streamed response (`send_stream`, such as an AI agent's run events) may last as long
    /// as the server keeps sending: for it, this is the longest wait for the response headers
    /// and then for each next chunk, not a limit on the whole stream.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Time allowed to establish a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Removes both the request and the connect timeout.
    ///
    /// Mostly for tests under tokio's paused clock, where a pending timeout
    /// fires as soon as the runtime is idle while waiting for the network.
    pub fn disable_timeouts(mut self) -> Self {
        self.timeout = None;
        self.connect_timeout = None;
        self
    }

    /// Overrides the `User-Agent` (default [`ApiInfo::user_agent`]).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Allows `http://` URLs, to point the client at a local mock server in
    /// tests (for example `wiremock` or Prism). Never use it with a real token:
    /// it would travel in clear text.
    pub fn allow_insecure_http(mut self) -> Self {
        self.allow_insecure_http = true;
        self
    }

    /// Adds a middleware (see [`crate::middleware`]); middleware runs in the
    /// order added, once per attempt. The authentication header is added after
    /// all middleware, so middleware never sees the token and cannot drop it.
    pub fn with(mut self, middleware: impl reqwest_middleware::Middleware) -> Self {
        self.middleware.push(Arc::new(middleware));
        self
    }

    /// Builds the client, validating the settings.
    pub fn build(self) -> Result<C, Error>
    where
        C: From<Client>,
    {
        self.build_client().map(C::from)
    }

    fn build_client(self) -> Result<Client, Error> {
        let base_url = match &self.target {
            Target::Default if self.api.default_base_url.is_empty() => {
                return Err(Error::Config(format!(
                    "the {} docs name no server: set one with ClientBuilder::base_url",
                    self.api.name
                )))
            }
            Target::Default => check_url(self.api.default_base_url, self.allow_insecure_http)?,
            Target::BaseUrl(u) => check_url(u, self.allow_insecure_http)?,
            Target::Environment(u) => {
                let root = check_url(u, self.allow_insecure_http)?;
                let api_path = Url::parse(self.api.default_base_url)
                    .map(|u| u.path().trim_end_matches('/').to_owned())
                    .map_err(|e| {
                        Error::Config(format!(
                            "invalid default base URL of {}: {e}",
                            self.api.name
                        ))
                    })?;
                if api_path.is_empty() || root.ends_with(&api_path) {
                    root
                } else {
                    format!("{root}{api_path}")
                }
            }
        };

        let limiter = match self.rate_limit {
            Some(limit) => Some(Limiter::new(limit).ok_or_else(|| {
                Error::Config("the rate limit must allow at least 1 request per minute".into())
            })?),
            None => None,
        };

        let auth = Auth::new(&self.credentials, self.api);
        if let Err(message) = &auth.header {
            return Err(Error::Config(message.clone()));
        }
        let user_agent = self.user_agent.as_deref().unwrap_or(self.api.user_agent);
        let user_agent = HeaderValue::from_str(user_agent)
            .map_err(|_| Error::Config(format!("invalid user agent `{user_agent}`")))?;
        let mut headers = HeaderMap::new();
        headers.insert(USER_AGENT, user_agent);

        let mut http = reqwest::Client::builder()
            .default_headers(headers)
            .gzip(true)
            .https_only(!self.allow_insecure_http);
        // The total timeout is set per attempt (see `RequestBuilder::build_attempt`), since a
        // stream must not have one; every read, a stream's included, waits at most as long.
        if let Some(t) = self.timeout {
            http = http.read_timeout(t);
        }
        if let Some(t) = self.connect_timeout {
            http = http.connect_timeout(t);
        }
        let http = http
            .build()
            .map_err(|e| Error::Config(format!("could not create the HTTP client: {e}")))?;
        let mut http = reqwest_middleware::ClientBuilder::new(http);
        for m in self.middleware {
            http = http.with_arc(m);
        }
        // Last, so that no user middleware sees the credentials.
        http = http.with(crate::request::ApplyAuth);

        Ok(Client {
            inner: Arc::new(Inner {
                http: http.build(),
                api: self.api,
                base_url,
                scopes: self.scopes,
                retry: self.retry,
                limiter,
                timeout: self.timeout,
            }),
            auth,
        })
    }
}

/// Validates a base URL and returns it without a trailing slash.
fn check_url(raw: &str, allow_insecure_http: bool) -> Result<String, Error> {
    let raw = raw.trim();
    let url =
        Url::parse(raw).map_err(|e| Error::Config(format!("invalid base URL `{raw}`: {e}")))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http => {}
        "http" => {
            return Err(Error::Config(format!(
                "base URL `{raw}` uses http://; the API must be called over https:// \
                 (allow_insecure_http() is for local test servers only)"
            )))
        }
        other => {
            return Err(Error::Config(format!(
                "base URL `{raw}` has scheme `{other}`; use an https:// URL"
            )))
        }
    }
    if url.cannot_be_a_base() || url.host_str().is_none_or(str::is_empty) {
        return Err(Error::Config(format!("base URL `{raw}` has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "base URL `{raw}` must not have a query or fragment"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(
            "the base URL must not contain credentials".into(),
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    static API: ApiInfo = ApiInfo {
        name: "test",
        auth_header: "Authorization",
        auth_prefix: "Token ",
        default_base_url: "https://eu1.make.com/api/v2",
        user_agent: "test/1",
    };

    fn url(b: ClientBuilder) -> Result<String, Error> {
        b.build().map(|c: Client| c.base_url().to_owned())
    }

    #[test]
    fn base_urls() {
        let b = || ClientBuilder::<Client>::new("t", &API);
        assert_eq!(url(b()).unwrap(), "https://eu1.make.com/api/v2");
        assert_eq!(
            url(b().base_url("https://us1.make.com/api/v2/")).unwrap(),
            "https://us1.make.com/api/v2"
        );
        for env in [
            "https://development.make.cloud",
            "https://development.make.cloud/",
            "https://development.make.cloud/api/v2",
            "https://development.make.cloud/api/v2/",
        ] {
            assert_eq!(
                url(b().environment_url(env)).unwrap(),
                "https://development.make.cloud/api/v2",
                "{env}"
            );
        }
        assert_eq!(
            url(b().environment_url("https://example.com/make/")).unwrap(),
            "https://example.com/make/api/v2"
        );
    }

    #[test]
    fn rejects_bad_urls() {
        let b = || ClientBuilder::<Client>::new("t", &API);
        for bad in [
            "not a url",
            "ftp://x.com",
            "https://x.com/api?x=1",
            "mailto:a@b.c",
            "https://u:p@x.com",
        ] {
            assert!(
                matches!(url(b().base_url(bad)), Err(Error::Config(_))),
                "{bad}"
            );
        }
        let err = url(b().base_url("http://eu1.make.com/api/v2")).unwrap_err();
        assert!(
            matches!(&err, Error::Config(m) if m.contains("http://") && m.contains("allow_insecure_http")),
            "{err}"
        );
        assert!(url(b().base_url("http://127.0.0.1:1234").allow_insecure_http()).is_ok());
        assert!(matches!(
            url(b().rate_limit(RateLimit::per_minute(0))),
            Err(Error::Config(_))
        ));
        let err = url(ClientBuilder::new("bad\ntoken", &API)).unwrap_err();
        assert!(!err.to_string().contains("bad\ntoken"));
    }

    #[test]
    fn client_and_futures_are_send_sync() {
        fn send_sync<T: Send + Sync + 'static>(_: &T) {}
        fn send<T: Send>(_: &T) {}
        let c: Client = ClientBuilder::new("t", &API).build().unwrap();
        send_sync(&c);
        static OP: Operation = Operation {
            name: "x",
            method: Method::GET,
            path: "/x",
            scopes: &[],
        };
        let fut = c.request(&OP).send_json::<serde_json::Value>();
        send(&fut);
        send(&c.request(&OP).send_empty());
    }

    #[test]
    fn debug_hides_token() {
        let b = ClientBuilder::<Client>::new("secret-token", &API).scopes(["a:read"]);
        assert!(!format!("{b:?}").contains("secret-token"));
        let c = b.rate_limit(RateLimit::per_minute(5)).build().unwrap();
        let s = format!("{c:?} {c:#?}");
        assert!(!s.contains("secret-token"), "{s}");
        assert!(s.contains("***"));
    }
}
