//! Which links leave the app. Web pages and mail go to the system browser (eframe's `links`
//! feature hands egui's `OpenUrl` to it); any other scheme (javascript:, file:, data:, a custom
//! app's) is refused with a notice, because feed content is written by strangers.

use super::context::{AppAction, ViewContext};
use rust_i18n::t;
use std::fmt;

/// Why a link was not opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Not an address at all (or a relative one left unresolved).
    Unparsable,
    /// An address whose scheme the browser must not be handed.
    Scheme(String),
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let only = t!("links.only");
        let text = match self {
            Refused::Unparsable => t!("links.unparsable", only = only),
            Refused::Scheme(s) => t!("links.scheme", scheme = s, only = only),
        };
        f.write_str(&text)
    }
}

/// The address to hand to the browser: the parsed form, so what was checked is what is
/// opened (a tab or newline hidden in "java\tscript:" cannot slip a scheme past the check).
pub fn openable(url: &str) -> Result<String, Refused> {
    let parsed = url::Url::parse(url.trim()).map_err(|_| Refused::Unparsable)?;
    match parsed.scheme() {
        "http" | "https" if parsed.host().is_some() => Ok(parsed.into()),
        "mailto" if !parsed.path().is_empty() => Ok(parsed.into()),
        "http" | "https" | "mailto" => Err(Refused::Unparsable),
        other => Err(Refused::Scheme(other.to_string())),
    }
}

/// Opens `url` in the system browser, or says in the notice area why not.
pub fn open(egui_ctx: &egui::Context, ctx: &ViewContext, url: &str) {
    match openable(url) {
        Ok(u) => egui_ctx.open_url(egui::OpenUrl::new_tab(u)),
        Err(why) => ctx.act(AppAction::Notice(why.to_string())),
    }
}

/// Puts `url` on the system clipboard (eframe's `clipboard` feature), with a short confirmation.
pub fn copy(egui_ctx: &egui::Context, ctx: &ViewContext, url: &str) {
    egui_ctx.copy_text(url.trim().to_string());
    ctx.act(AppAction::Confirm(t!("links.copied").into_owned()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_and_mail_links_open_as_parsed() {
        assert_eq!(
            openable("https://example.org/a?b=1#c"),
            Ok("https://example.org/a?b=1#c".into())
        );
        assert_eq!(
            openable("  HTTP://Example.org"),
            Ok("http://example.org/".into())
        );
        assert_eq!(
            openable("https://example.org/a b"),
            Ok("https://example.org/a%20b".into())
        );
        assert_eq!(
            openable("mailto:editor@example.org?subject=Hi"),
            Ok("mailto:editor@example.org?subject=Hi".into())
        );
    }

    #[test]
    fn other_schemes_are_refused_by_name() {
        for (url, scheme) in [
            ("javascript:alert(1)", "javascript"),
            ("JavaScript:alert(1)", "javascript"),
            ("java\tscript:alert(1)", "javascript"),
            (" javascript:alert(1)", "javascript"),
            ("file:///etc/passwd", "file"),
            ("data:text/html,<script>alert(1)</script>", "data"),
            ("vbscript:msgbox", "vbscript"),
            ("ftp://example.org/x", "ftp"),
            ("steam://run/1", "steam"),
        ] {
            assert_eq!(openable(url), Err(Refused::Scheme(scheme.into())), "{url}");
        }
        let why = Refused::Scheme("javascript".into()).to_string();
        assert!(
            why.contains("javascript:") && why.contains("http, https"),
            "{why}"
        );
    }

    #[test]
    fn relative_empty_and_hostless_addresses_are_refused() {
        for url in ["/posts/1", "", "   ", "example.org", "http://", "mailto:"] {
            assert_eq!(openable(url), Err(Refused::Unparsable), "{url:?}");
        }
    }
}
