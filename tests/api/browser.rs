//! The pages in a real browser: a receptionist signs in and imports a CSV through
//! `/reception/import.html`, exactly as on the day — file picker, check, confirm, list.
//!
//! The browser is Debian's Chromium, driven by `chromedriver` over the W3C WebDriver protocol.
//! The client is the handful of commands below over `reqwest`, not a WebDriver crate: the
//! protocol is plain JSON over HTTP, and every extra crate is build time on a 2-core machine.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (`apt-get install chromium
//! chromium-driver`). Without them the tests fail and say so; they do not skip, because a
//! silently skipped browser test is a browser test nobody runs.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{spawn_app, ADMIN_PASSWORD};

type TestResult = Result<(), Box<dyn std::error::Error>>;
type BoxError = Box<dyn std::error::Error>;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
/// The key under which W3C WebDriver returns an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long a page may take to show what a step waits for: generous, since the suite runs
/// browser tests beside heavy ones on two cores; the benches measure speed, not this.
const WAIT: Duration = Duration::from_secs(20);
/// How long chromedriver may take to start listening.
const DRIVER_START: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(100);

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn reception_signs_in_and_imports_a_csv_through_the_page() -> TestResult {
    // Arrange: three guests of one department the registry has never seen.
    let app = spawn_app().await;
    let browser = Browser::start().await?;
    let csv = csv_file(
        "编号,姓名,类别,邀请部门,性别\n\
         FA-0001,张伟,记者,外事办,男\n\
         FA-0002,李娜,贵宾,外事办,女\n\
         FA-0003,王芳,工作人员,外事办,女\n",
    )?;

    // Act: sign in, choose the file, check it.
    sign_in(&browser, &app.address).await?;
    browser
        .goto(&format!("{}/reception/import.html", app.address))
        .await?;
    browser.send_keys("#import-file", &path_text(&csv)?).await?;
    browser.click("#import-preview").await?;

    // Assert: the file's first rows as they will be read, under the columns they land in.
    browser
        .wait_for("#import-sample", "the first rows as read", |t| {
            t.contains("FA-0002") && t.contains("李娜") && t.contains("外事办")
        })
        .await?;
    // The check says what will happen, and names the new department so a typo shows.
    browser
        .wait_for("#import-created", "3 new guests", |t| t == "3")
        .await?;
    browser
        .wait_for("#import-new", "the new department 外事办", |t| {
            t.contains("外事办")
        })
        .await?;
    assert!(
        browser.is_enabled("#import-confirm").await?,
        "after a clean check the receptionist should be able to confirm the import"
    );

    // Act: confirm.
    browser.click("#import-confirm").await?;

    // Assert: the result is shown, and the list now holds the three guests.
    let result = browser
        .wait_for(
            "#import-result",
            "the import result with 3 new guests",
            |t| t.contains('3'),
        )
        .await?;
    assert!(
        result.contains("新增 3"),
        "the Chinese result line should read 新增 3, it reads {result:?}"
    );
    browser.goto(&format!("{}/reception/", app.address)).await?;
    browser
        .wait_for("#guest-total", "3 guests in total", |t| t == "3")
        .await?;
    browser
        .wait_for("#guest-table tbody", "张伟 in the guest table", |t| {
            t.contains("张伟")
        })
        .await?;
    Ok(())
}

#[tokio::test]
async fn a_csv_row_without_a_name_is_shown_by_line_and_cannot_be_imported() -> TestResult {
    // Arrange: line 3 (the header is line 1) has no name.
    let app = spawn_app().await;
    let browser = Browser::start().await?;
    let csv = csv_file(
        "编号,姓名,类别,邀请部门,性别\n\
         FA-0001,张伟,记者,外事办,男\n\
         FA-0002,,贵宾,外事办,女\n\
         FA-0003,王芳,工作人员,外事办,女\n",
    )?;

    // Act
    sign_in(&browser, &app.address).await?;
    browser
        .goto(&format!("{}/reception/import.html", app.address))
        .await?;
    browser.send_keys("#import-file", &path_text(&csv)?).await?;
    browser.click("#import-preview").await?;

    // Assert: one error row names line 3, and there is no way to import the file.
    let lines = browser
        .wait_for_all(
            "#import-errors tbody tr td:first-child",
            "an error on line 3",
            |cells| cells.iter().any(|c| c == "3"),
        )
        .await?;
    assert!(
        lines.iter().all(|l| l == "3"),
        "only line 3 is wrong, yet the page lists errors on lines {lines:?}"
    );
    assert!(
        !browser.is_enabled("#import-confirm").await?,
        "a file with a bad row must not be importable"
    );

    // Assert: nothing was written.
    browser.goto(&format!("{}/reception/", app.address)).await?;
    browser
        .wait_for("#guest-total", "0 guests", |t| t == "0")
        .await?;
    Ok(())
}

/// Sign in as the admin through the login form and wait for the guest list.
async fn sign_in(browser: &Browser, address: &str) -> TestResult {
    browser.goto(&format!("{address}/login/")).await?;
    browser.send_keys("#username", "admin").await?;
    browser.send_keys("#password", ADMIN_PASSWORD).await?;
    browser.click("#login-submit").await?;
    browser
        .wait_for("#guest-total", "the guest list after signing in", |t| {
            t.parse::<u64>().is_ok()
        })
        .await?;
    Ok(())
}

/// A UTF-8 CSV in a temporary file named `*.csv`; deleted when dropped.
fn csv_file(content: &str) -> Result<tempfile::NamedTempFile, BoxError> {
    let mut file = tempfile::Builder::new()
        .prefix("guests-")
        .suffix(".csv")
        .tempfile()?;
    file.write_all(content.as_bytes())?;
    file.flush()?;
    Ok(file)
}

/// The absolute path a file input needs as its "typed" value.
fn path_text(file: &tempfile::NamedTempFile) -> Result<String, BoxError> {
    let path: PathBuf = std::fs::canonicalize(file.path())?;
    path.to_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("temporary path is not UTF-8: {}", path.display()).into())
}

// ---------------------------------------------------------------------------------------------
// A tiny WebDriver client
// ---------------------------------------------------------------------------------------------

/// A W3C WebDriver error (`{"value": {"error": "no such element", "message": …}}`) or a
/// transport failure (`error` = "transport").
#[derive(Debug)]
pub(crate) struct WebDriverError {
    code: String,
    message: String,
}

impl std::fmt::Display for WebDriverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WebDriver {}: {}", self.code, self.message)
    }
}

impl std::error::Error for WebDriverError {}

impl From<reqwest::Error> for WebDriverError {
    fn from(e: reqwest::Error) -> Self {
        WebDriverError {
            code: "transport".into(),
            message: e.to_string(),
        }
    }
}

/// Errors that mean "not there yet": the page is still loading or re-rendering, or the
/// sign-in form is still taking the browser to the page asked for.
fn is_transient(e: &WebDriverError) -> bool {
    matches!(
        e.code.as_str(),
        "no such element"
            | "stale element reference"
            | "element click intercepted"
            | "element not interactable"
    ) || e.message.contains("aborted by navigation")
}

/// The chromedriver process, killed when the test ends, whether it passed or not.
struct Driver {
    child: Child,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser session.
pub(crate) struct Browser {
    http: reqwest::Client,
    /// `http://127.0.0.1:<port>/session/<id>`: every command's URL starts with it.
    session_url: String,
    session_id: String,
    driver_port: u16,
    // Field order is drop order: the driver goes before its profile directory is removed.
    _driver: Driver,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ending the session is what closes Chromium; killing chromedriver alone can leave the
        // browser running. Drop cannot await, so this is one blocking HTTP/1.1 request on a
        // plain socket. Errors are ignored: the driver is killed right after anyway.
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.driver_port)) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = write!(
                stream,
                "DELETE /session/{} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                self.session_id, self.driver_port
            );
            let mut answer = Vec::new();
            let _ = stream.read_to_end(&mut answer);
        }
    }
}

impl Browser {
    /// Start chromedriver on a free port and open a headless Chromium with a fresh profile,
    /// phone-sized, since the receptionists' phones are the narrowest screen the pages serve.
    pub(crate) async fn start() -> Result<Browser, BoxError> {
        Browser::start_with(&[]).await
    }

    /// Like [`Browser::start`], with more Chromium switches.
    pub(crate) async fn start_with(extra_args: &[&str]) -> Result<Browser, BoxError> {
        for (path, what) in [(CHROMEDRIVER, "chromedriver"), (CHROMIUM, "chromium")] {
            if !Path::new(path).exists() {
                return Err(format!(
                    "{what} is missing ({path} not found). The browser tests need Debian's \
                     chromium and chromium-driver packages: apt-get install chromium chromium-driver"
                )
                .into());
            }
        }
        // No proxy: a proxy from the environment must never see requests to 127.0.0.1.
        let http = reqwest::Client::builder().no_proxy().build()?;

        // The port is found by binding port 0 and letting go of it; another process could
        // take it in between, so a driver that dies at start is tried again on a new port.
        let mut last_error: BoxError = "chromedriver did not start".into();
        for _attempt in 0..3 {
            let port = free_port()?;
            let child = Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("cannot start {CHROMEDRIVER}: {e}"))?;
            let mut driver = Driver { child };
            match wait_until_ready(&http, port, &mut driver).await {
                Ok(()) => return Browser::open_session(http, port, driver, extra_args).await,
                Err(e) => last_error = e,
            }
        }
        Err(last_error)
    }

    async fn open_session(
        http: reqwest::Client,
        port: u16,
        driver: Driver,
        extra_args: &[&str],
    ) -> Result<Browser, BoxError> {
        let profile = tempfile::tempdir()?;
        let profile_dir = profile
            .path()
            .to_str()
            .ok_or("temporary profile path is not UTF-8")?
            .to_owned();
        let mut args = vec![
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            // Containers often give /dev/shm only 64 MB, where Chromium crashes.
            "--disable-dev-shm-usage".into(),
            format!("--user-data-dir={profile_dir}"),
            "--window-size=390,844".into(),
        ];
        args.extend(extra_args.iter().map(|a| (*a).to_string()));
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {
                        "binary": CHROMIUM,
                        "args": args,
                    }
                }
            }
        });
        let url = format!("http://127.0.0.1:{port}/session");
        let value = request(&http, Method::POST, &url, Some(capabilities))
            .await
            .map_err(|e| format!("chromedriver could not start Chromium ({CHROMIUM}): {e}"))?;
        let session_id = value["sessionId"]
            .as_str()
            .ok_or_else(|| format!("new session answer has no sessionId: {value}"))?
            .to_owned();
        Ok(Browser {
            http,
            session_url: format!("{url}/{session_id}"),
            session_id,
            driver_port: port,
            _driver: driver,
            _profile: profile,
        })
    }

    pub(crate) async fn command(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, WebDriverError> {
        request(
            &self.http,
            method,
            &format!("{}{path}", self.session_url),
            body,
        )
        .await
    }

    /// Open `url` and wait for the page to load (WebDriver's default page-load strategy).
    pub(crate) async fn goto(&self, url: &str) -> Result<(), BoxError> {
        self.command(Method::POST, "/url", Some(json!({ "url": url })))
            .await?;
        Ok(())
    }

    pub(crate) async fn current_url(&self) -> Result<String, BoxError> {
        let value = self.command(Method::GET, "/url", None).await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// The first element matching `css` right now, without waiting.
    async fn find_now(&self, css: &str) -> Result<String, WebDriverError> {
        let value = self
            .command(
                Method::POST,
                "/element",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .await?;
        element_id(&value)
    }

    /// Every element matching `css` right now (possibly none).
    async fn find_all_now(&self, css: &str) -> Result<Vec<String>, WebDriverError> {
        let value = self
            .command(
                Method::POST,
                "/elements",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .await?;
        value
            .as_array()
            .map(|items| items.iter().map(element_id).collect())
            .unwrap_or_else(|| Ok(Vec::new()))
    }

    /// The first element matching `css`, waiting up to [`WAIT`] for it to appear.
    async fn find(&self, css: &str) -> Result<String, BoxError> {
        let deadline = Instant::now() + WAIT;
        loop {
            match self.find_now(css).await {
                Ok(id) => return Ok(id),
                Err(e) if is_transient(&e) && Instant::now() < deadline => {
                    tokio::time::sleep(POLL).await
                }
                Err(e) if is_transient(&e) => {
                    let url = self.current_url().await.unwrap_or_default();
                    return Err(format!("no element matches {css} after {WAIT:?} on {url}").into());
                }
                Err(e) => return Err(format!("finding {css}: {e}").into()),
            }
        }
    }

    /// Type `text` into the element (for a file input: the file's absolute path).
    pub(crate) async fn send_keys(&self, css: &str, text: &str) -> Result<(), BoxError> {
        self.act(css, "/value", json!({ "text": text })).await
    }

    /// Click the element, retrying while the page is still settling (covered, re-rendered).
    pub(crate) async fn click(&self, css: &str) -> Result<(), BoxError> {
        self.act(css, "/click", json!({})).await
    }

    async fn act(&self, css: &str, action: &str, body: Value) -> Result<(), BoxError> {
        let deadline = Instant::now() + WAIT;
        loop {
            let id = self.find(css).await?;
            let path = format!("/element/{id}{action}");
            match self.command(Method::POST, &path, Some(body.clone())).await {
                Ok(_) => return Ok(()),
                Err(e) if is_transient(&e) && Instant::now() < deadline => {
                    tokio::time::sleep(POLL).await
                }
                Err(e) => return Err(format!("{action} on {css}: {e}").into()),
            }
        }
    }

    /// The element's rendered text (hidden elements read as "").
    async fn text_of(&self, id: &str) -> Result<String, WebDriverError> {
        let value = self
            .command(Method::GET, &format!("/element/{id}/text"), None)
            .await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    async fn is_enabled(&self, css: &str) -> Result<bool, BoxError> {
        let id = self.find(css).await?;
        let value = self
            .command(Method::GET, &format!("/element/{id}/enabled"), None)
            .await?;
        Ok(value.as_bool().unwrap_or(false))
    }

    /// Signs in through the login page and lands on `next`.
    pub(crate) async fn sign_in(
        &self,
        address: &str,
        next: &str,
        username: &str,
        password: &str,
    ) -> Result<(), BoxError> {
        self.goto(&format!("{address}/login/?next={next}")).await?;
        self.send_keys("#username", username).await?;
        self.send_keys("#password", password).await?;
        self.click("#login-submit").await
    }

    /// Cuts the browser off the network, or gives it back, through the DevTools protocol —
    /// the page and its service worker see what a phone in a basement sees; the server runs on.
    pub(crate) async fn set_offline(&self, offline: bool) -> Result<(), BoxError> {
        self.cdp("Network.enable", json!({})).await?;
        self.cdp(
            "Network.emulateNetworkConditions",
            json!({"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}),
        )
        .await?;
        Ok(())
    }

    /// One DevTools protocol command, through chromedriver.
    pub(crate) async fn cdp(&self, cmd: &str, params: Value) -> Result<Value, BoxError> {
        Ok(self
            .command(
                Method::POST,
                "/goog/cdp/execute",
                Some(json!({"cmd": cmd, "params": params})),
            )
            .await?)
    }

    /// Runs an async script: `script` ends by calling `done(value)` (WebDriver's last argument).
    pub(crate) async fn run_async(
        &self,
        script: &str,
        args: Vec<Value>,
    ) -> Result<Value, BoxError> {
        Ok(self
            .command(
                Method::POST,
                "/execute/async",
                Some(json!({"script": script, "args": args})),
            )
            .await?)
    }

    /// Answers "yes" to the page's next `confirm()` questions (a headless page cannot click one).
    pub(crate) async fn confirm_yes(&self) -> Result<(), BoxError> {
        self.wait_script(
            "confirm answered yes",
            "window.confirm = () => true; return true;",
            |v| v == true,
        )
        .await
        .map(|_| ())
    }

    /// Scrolls `css` to the middle of the screen, clear of the sticky top bar.
    pub(crate) async fn scroll_to_middle(&self, css: &str) -> Result<(), BoxError> {
        let script = format!(
            "const e = document.querySelector({css:?}); if (!e) return false; \
             e.scrollIntoView({{block: 'center'}}); return true;"
        );
        self.wait_script(&format!("{css} on the page"), &script, |v| v == true)
            .await
            .map(|_| ())
    }

    /// Runs `script` (which returns a value) until `done` holds for what it returns; `what`
    /// says in words what the user would be waiting for.
    pub(crate) async fn wait_script(
        &self,
        what: &str,
        script: &str,
        done: impl Fn(&Value) -> bool,
    ) -> Result<Value, BoxError> {
        let deadline = Instant::now() + WAIT;
        loop {
            let value = self
                .command(
                    Method::POST,
                    "/execute/sync",
                    Some(json!({"script": script, "args": []})),
                )
                .await?;
            if done(&value) {
                return Ok(value);
            }
            if Instant::now() >= deadline {
                let url = self.current_url().await.unwrap_or_default();
                return Err(format!("waited {WAIT:?} for {what} on {url}; saw {value}").into());
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Wait until the first element matching `css` has text for which `ok` holds; returns
    /// that text. `what` says in words what the user would be looking for.
    pub(crate) async fn wait_for(
        &self,
        css: &str,
        what: &str,
        ok: impl Fn(&str) -> bool,
    ) -> Result<String, BoxError> {
        let deadline = Instant::now() + WAIT;
        let mut seen = String::from("(no such element)");
        loop {
            match self.find_now(css).await {
                Ok(id) => match self.text_of(&id).await {
                    Ok(text) if ok(&text) => return Ok(text),
                    Ok(text) => seen = format!("{text:?}"),
                    Err(e) if is_transient(&e) => {}
                    Err(e) => return Err(format!("reading {css}: {e}").into()),
                },
                Err(e) if is_transient(&e) => {}
                Err(e) => return Err(format!("finding {css}: {e}").into()),
            }
            if Instant::now() >= deadline {
                let url = self.current_url().await.unwrap_or_default();
                return Err(
                    format!("waited {WAIT:?} for {what}: {css} on {url} shows {seen}").into(),
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Like [`Browser::wait_for`], over the texts of every element matching `css`.
    async fn wait_for_all(
        &self,
        css: &str,
        what: &str,
        ok: impl Fn(&[String]) -> bool,
    ) -> Result<Vec<String>, BoxError> {
        let deadline = Instant::now() + WAIT;
        let mut seen = Vec::new();
        loop {
            match self.texts_now(css).await {
                Ok(texts) if ok(&texts) => return Ok(texts),
                Ok(texts) => seen = texts,
                Err(e) if is_transient(&e) => {}
                Err(e) => return Err(format!("reading {css}: {e}").into()),
            }
            if Instant::now() >= deadline {
                let url = self.current_url().await.unwrap_or_default();
                return Err(
                    format!("waited {WAIT:?} for {what}: {css} on {url} shows {seen:?}").into(),
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn texts_now(&self, css: &str) -> Result<Vec<String>, WebDriverError> {
        let mut texts = Vec::new();
        for id in self.find_all_now(css).await? {
            texts.push(self.text_of(&id).await?);
        }
        Ok(texts)
    }
}

/// Send one WebDriver request and unwrap its `value`.
async fn request(
    http: &reqwest::Client,
    method: Method,
    url: &str,
    body: Option<Value>,
) -> Result<Value, WebDriverError> {
    let mut req = http.request(method.clone(), url);
    // chromedriver wants a JSON body on every POST, `{}` when the command takes nothing.
    if method == Method::POST {
        req = req.json(&body.unwrap_or_else(|| json!({})));
    }
    let response = req.send().await?;
    let ok = response.status().is_success();
    let status = response.status();
    let mut answer: Value = response.json().await.map_err(|e| WebDriverError {
        code: "transport".into(),
        message: format!("{status} with a body that is not JSON: {e}"),
    })?;
    let value = answer
        .get_mut("value")
        .map(Value::take)
        .unwrap_or(Value::Null);
    if ok {
        return Ok(value);
    }
    Err(WebDriverError {
        code: value["error"]
            .as_str()
            .unwrap_or("unknown error")
            .to_owned(),
        // The message's first line says it; the rest is a driver stack trace.
        message: value["message"]
            .as_str()
            .unwrap_or_default()
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned(),
    })
}

fn element_id(value: &Value) -> Result<String, WebDriverError> {
    value[ELEMENT_KEY]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| WebDriverError {
            code: "unknown error".into(),
            message: format!("no element reference in {value}"),
        })
}

fn free_port() -> Result<u16, BoxError> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// Poll `GET /status` until chromedriver says it is ready; fail early if it exits.
async fn wait_until_ready(
    http: &reqwest::Client,
    port: u16,
    driver: &mut Driver,
) -> Result<(), BoxError> {
    let url = format!("http://127.0.0.1:{port}/status");
    let deadline = Instant::now() + DRIVER_START;
    loop {
        if let Some(status) = driver.child.try_wait()? {
            return Err(format!(
                "chromedriver exited at start ({status}); port {port} may have been taken"
            )
            .into());
        }
        if let Ok(value) = request(http, Method::GET, &url, None).await {
            if value["ready"].as_bool() == Some(true) {
                return Ok(());
            }
        }
        if Instant::now() >= deadline {
            return Err(
                format!("chromedriver on port {port} not ready after {DRIVER_START:?}").into(),
            );
        }
        tokio::time::sleep(POLL).await;
    }
}
