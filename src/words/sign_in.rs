//! Words of signing in to a real Sovereign through its Keycloak realm (`catalyst-tui
//! login`, and the console's sign-in prompts).

use std::time::Duration;

pub const LOGIN_OPEN_URL: &str = "Open this page in a browser to sign in:";
pub const LOGIN_WAITING: &str = "Waiting for the browser to come back to";
pub const LOGIN_PASTE_CODE: &str = "After signing in, paste the code the page shows, then Enter:";
pub const LOGIN_NO_ISSUER: &str = "login needs the Sovereign's OpenID Connect issuer: give \
     --oidc-issuer URL (e.g. https://auth.example/realms/sovereign), CATALYST_OIDC_ISSUER or \
     the profile's oidc_issuer";
pub const LOGIN_NO_API: &str = "login needs the Sovereign's console API (the tokens are cached \
     for its profile): give --api-url URL, CATALYST_API_URL or a profile with api_url";
pub const LOGIN_PASSWORD_TTY: &str = "--password-stdin reads the password from a pipe, not a \
     terminal: e.g. `printf '%s\\n' \"$PASSWORD\" | catalyst-tui login --username NAME --password-stdin`";
pub const LOGIN_NO_PASSWORD: &str = "no password came on standard input";

/// "signed in as layla (expires in 900 s)".
pub fn signed_in(name: Option<&str>, expires_in: Option<Duration>) -> String {
    let who = name.unwrap_or("an unnamed identity");
    match expires_in {
        Some(d) => format!("signed in as {who} (expires in {} s)", d.as_secs()),
        None => format!("signed in as {who}"),
    }
}

// The console's sign-in through the realm (the overlay of `views::overlays::signin`).
pub const SIGNIN_TITLE: &str = "Sign in";
pub const SIGNIN_OPEN: &str = "Open this address in a browser and sign in (y copies it):";
pub const SIGNIN_PASTE_OOB: &str = "Then paste the code the page shows here and press Enter:";
pub const SIGNIN_CODE_LABEL: &str = "Code ";
pub const SIGNIN_CODE_EMPTY: &str = "(paste the code)";
pub const SIGNIN_CHECKING: &str = "Checking the code…";
pub const SIGNIN_COPIED: &str = "The address is on the clipboard.";
pub const SIGNIN_KEYS: &str = "Enter signs in · y/Ctrl-Y copies the address · Esc cancels";
pub const SIGNIN_CANCELLED: &str = "Sign-in cancelled. Press Enter to sign in.";

/// "Waiting for the browser to come back to http://localhost:8000, or paste the code:".
pub fn signin_waiting(loopback: &str) -> String {
    format!(
        "Waiting for the browser to come back to {loopback}, or paste the code and press Enter:"
    )
}

/// The pasted code as shown: its first characters only, never the whole of it.
pub fn signin_code_shown(first: &str, chars: usize) -> String {
    format!("{first}… ({chars} characters)")
}

/// "The code was not accepted: … Paste it again and press Enter."
pub fn signin_refused(reason: &str) -> String {
    format!("The code was not accepted: {reason}. Paste it again and press Enter.")
}

/// Why the loopback redirect stopped waiting.
pub fn signin_loopback_ended(reason: &str) -> String {
    format!("The browser's answer did not come back ({reason}); paste the code instead.")
}

/// "Sign in · https://auth.example/realms/sovereign".
pub fn signin_title(name: &str) -> String {
    format!("{SIGNIN_TITLE} · {name}")
}
pub const SIGNIN_NOT_WAITING: &str =
    "no sign-in waits for a code any more; press Esc and sign in again";
