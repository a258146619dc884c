//! Headless Chromium (Debian's `chromium`) for the browser tests, shared by every module
//! that drives a browser, so one lock keeps them to one browser at a time.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use headless_chrome::{Browser, LaunchOptions, Tab};

/// Where Debian installs Chromium.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// One Chromium at a time: several on a small CI machine make the timings meaningless.
pub static ONE_BROWSER: Mutex<()> = Mutex::new(());

/// A headless Chromium with a fresh profile, killed on drop.
pub struct Chromium {
    pub browser: Browser,
    _profile: tempfile::TempDir,
}

impl Chromium {
    /// Starts Chromium, or returns `None` (saying why) when it is not installed.
    #[allow(clippy::print_stderr, reason = "a skipped test says why")]
    pub fn start(test: &str) -> Option<Self> {
        let path = PathBuf::from(CHROMIUM);
        if !path.is_file() {
            eprintln!(
                "skipping {test}: {CHROMIUM} is not installed (apt-get install chromium); \
                 the browser tests need it"
            );
            return None;
        }
        let profile = tempfile::Builder::new()
            .prefix("hindsight-chromium-")
            .tempdir()
            .unwrap();
        let args: Vec<&OsStr> = [
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ]
        .into_iter()
        .map(OsStr::new)
        .collect();
        let options = LaunchOptions::default_builder()
            .path(Some(path))
            .headless(true)
            .sandbox(false)
            .user_data_dir(Some(profile.path().to_path_buf()))
            .args(args)
            .idle_browser_timeout(Duration::from_secs(300))
            .build()
            .unwrap();
        // Chromium is installed: failing to start it is a failure, not a skip.
        let browser = Browser::new(options).expect("start headless Chromium");
        Some(Self {
            browser,
            _profile: profile,
        })
    }

    /// A new tab showing `url`, loaded, waiting up to `timeout` for anything it is asked.
    pub fn open(&self, url: &str, timeout: Duration) -> Arc<Tab> {
        let tab = self.browser.new_tab().unwrap();
        tab.set_default_timeout(timeout);
        tab.navigate_to(url).unwrap();
        tab.wait_until_navigated().unwrap();
        tab
    }
}
