//! What each load client sends: the method, URL and headers all clients
//! share, plus client i's own cookie and body (line i mod n of the
//! per-client files), so 50 clients can be 50 different signed-in users.

use std::path::Path;

use anyhow::{bail, Context, Result};
use bytes::Bytes;
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE, ORIGIN};
use hyper::{Method, Uri};

use crate::args::{Args, BodySource, Target};

/// One client's own part of its requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRequest {
    pub cookie: Option<HeaderValue>,
    pub body: Bytes,
}

/// Everything the clients of one target send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestPlan {
    pub method: Method,
    pub url: Uri,
    /// Headers every client sends (extra headers, content type, origin).
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// One entry per client.
    pub clients: Vec<ClientRequest>,
}

/// The contents of the per-client files, read once per run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientFiles {
    pub cookies: Vec<String>,
    pub bodies: Vec<String>,
}

impl ClientFiles {
    /// Reads the cookie and body files `args` names, if any.
    pub fn load(args: &Args) -> Result<ClientFiles> {
        let cookies = match &args.cookie_file {
            Some(path) => read_lines(path, "--cookie-file")?,
            None => Vec::new(),
        };
        let bodies = match &args.body {
            BodySource::PerClient(path) => read_lines(path, "--body-file")?,
            _ => Vec::new(),
        };
        Ok(ClientFiles { cookies, bodies })
    }
}

fn read_lines(path: &Path, flag: &str) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{flag}: cannot read {}", path.display()))?;
    let found = lines(&text);
    if found.is_empty() {
        bail!("{flag}: {} has no lines", path.display());
    }
    Ok(found)
}

/// The lines of a per-client file, trimmed; blank lines and `#` comments skipped.
pub fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned).collect()
}

/// `http://host:port` of a URL, as a browser's `Origin` header names it.
pub fn origin_of(url: &Uri) -> Option<HeaderValue> {
    let origin = format!("{}://{}", url.scheme_str()?, url.authority()?);
    HeaderValue::from_str(&origin).ok()
}

/// Works out what each of `args.concurrency` clients sends to `target`.
pub fn plan(args: &Args, target: &Target, files: &ClientFiles) -> Result<RequestPlan> {
    let mut headers = args.headers.clone();
    if let Some(content_type) = &args.content_type {
        headers.push((CONTENT_TYPE, content_type.clone()));
    }
    // The server refuses state-changing requests that do not say they come from its own site.
    if args.method != Method::GET && !headers.iter().any(|(name, _)| name == ORIGIN) {
        if let Some(origin) = origin_of(&target.url) {
            headers.push((ORIGIN, origin));
        }
    }

    let cookies = files
        .cookies
        .iter()
        .enumerate()
        .map(|(i, line)| {
            HeaderValue::from_str(line)
                .with_context(|| format!("--cookie-file line {} is not a valid header value", i + 1))
        })
        .collect::<Result<Vec<_>>>()?;
    let clients = (0..args.concurrency)
        .map(|i| ClientRequest {
            cookie: pick(&cookies, i).cloned(),
            body: match &args.body {
                BodySource::Empty => Bytes::new(),
                BodySource::Fixed(text) => Bytes::from(text.clone()),
                BodySource::PerClient(_) => pick(&files.bodies, i).map(|b| Bytes::from(b.clone())).unwrap_or_default(),
            },
        })
        .collect();
    Ok(RequestPlan { method: args.method.clone(), url: target.url.clone(), headers, clients })
}

/// Line `i mod n` of `lines`, if there are any.
fn pick<T>(lines: &[T], i: usize) -> Option<&T> {
    if lines.is_empty() {
        None
    } else {
        lines.get(i % lines.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::{parse, Command};

    fn args(list: &[&str]) -> Args {
        match parse(list.iter().copied()) {
            Ok(Command::Run(args)) => args,
            other => panic!("expected Run, got {other:?}"),
        }
    }

    fn header<'a>(plan: &'a RequestPlan, name: &str) -> Vec<&'a str> {
        plan.headers.iter().filter(|(n, _)| n == name).map(|(_, v)| v.to_str().unwrap()).collect()
    }

    #[test]
    fn lines_skip_blanks_and_comments() {
        let text = "# sessions for the bench\nsf_session=a\n\n  sf_session=b  \r\n#x\nsf_session=c";
        assert_eq!(lines(text), ["sf_session=a", "sf_session=b", "sf_session=c"]);
        assert!(lines("\n# only a comment\n").is_empty());
    }

    #[test]
    fn origin_is_scheme_and_authority() {
        let url: Uri = "http://127.0.0.1:3200/api/feed/home?x=1".parse().unwrap();
        assert_eq!(origin_of(&url).unwrap(), "http://127.0.0.1:3200");
    }

    #[test]
    fn clients_take_cookies_and_bodies_round_robin() {
        let a = args(&[
            "--url",
            "http://127.0.0.1:3200/api/feed/home",
            "--method",
            "POST",
            "--body-file",
            "bodies.txt",
            "--cookie-file",
            "cookies.txt",
            "--concurrency",
            "5",
        ]);
        let files = ClientFiles {
            cookies: vec!["sf_session=a".into(), "sf_session=b".into()],
            bodies: vec!["cursor=1".into(), "cursor=2".into(), "cursor=3".into()],
        };
        let plan = plan(&a, &a.targets[0], &files).unwrap();
        let cookies: Vec<_> = plan.clients.iter().map(|c| c.cookie.as_ref().unwrap().to_str().unwrap()).collect();
        assert_eq!(cookies, ["sf_session=a", "sf_session=b", "sf_session=a", "sf_session=b", "sf_session=a"]);
        let bodies: Vec<_> = plan.clients.iter().map(|c| c.body.as_ref()).collect();
        assert_eq!(bodies, [&b"cursor=1"[..], b"cursor=2", b"cursor=3", b"cursor=1", b"cursor=2"]);
        assert_eq!(plan.method, Method::POST);
        assert_eq!(header(&plan, "content-type"), ["application/x-www-form-urlencoded"]);
        assert_eq!(header(&plan, "origin"), ["http://127.0.0.1:3200"], "POSTs say they come from the site");
    }

    #[test]
    fn get_without_files_sends_no_body_cookie_or_origin() {
        let a = args(&["--url", "http://h:1/", "--concurrency", "3"]);
        let plan = plan(&a, &a.targets[0], &ClientFiles::default()).unwrap();
        assert_eq!(plan.clients.len(), 3);
        assert!(plan.clients.iter().all(|c| c.cookie.is_none() && c.body.is_empty()));
        assert!(header(&plan, "origin").is_empty());
        assert!(header(&plan, "content-type").is_empty());
    }

    #[test]
    fn a_given_origin_and_fixed_body_are_kept() {
        let a = args(&[
            "--url",
            "http://h:1/api/x",
            "--method",
            "post",
            "--body",
            "a=1",
            "--content-type",
            "text/plain",
            "--header",
            "Origin: http://elsewhere",
        ]);
        let plan = plan(&a, &a.targets[0], &ClientFiles::default()).unwrap();
        assert_eq!(header(&plan, "origin"), ["http://elsewhere"]);
        assert_eq!(header(&plan, "content-type"), ["text/plain"]);
        assert!(plan.clients.iter().all(|c| c.body.as_ref() == b"a=1"));
    }

    #[test]
    fn a_bad_cookie_line_is_named() {
        let a = args(&["--url", "http://h:1/", "--cookie-file", "c.txt"]);
        let files = ClientFiles { cookies: vec!["ok=1".into(), "bad=\u{7f}".into()], bodies: Vec::new() };
        let err = plan(&a, &a.targets[0], &files).unwrap_err();
        assert!(format!("{err:#}").contains("line 2"), "{err:#}");
    }

    #[test]
    fn files_are_read_and_empty_ones_refused() {
        let dir = std::env::temp_dir().join(format!("storefeed-bench-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let cookies = dir.join("cookies.txt");
        let empty = dir.join("empty.txt");
        std::fs::write(&cookies, "sf_session=a\nsf_session=b\n").unwrap();
        std::fs::write(&empty, "# nothing\n").unwrap();

        let ok = args(&["--url", "http://h:1/", "--cookie-file", cookies.to_str().unwrap()]);
        assert_eq!(ClientFiles::load(&ok).unwrap().cookies, ["sf_session=a", "sf_session=b"]);
        let bad = args(&["--url", "http://h:1/", "--method", "POST", "--body-file", empty.to_str().unwrap()]);
        assert!(format!("{:#}", ClientFiles::load(&bad).unwrap_err()).contains("has no lines"));
        let missing = args(&["--url", "http://h:1/", "--cookie-file", dir.join("nope").to_str().unwrap()]);
        assert!(format!("{:#}", ClientFiles::load(&missing).unwrap_err()).contains("cannot read"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
