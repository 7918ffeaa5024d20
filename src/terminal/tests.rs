//! The enter/leave sequences of [`Screen`], recorded without a terminal.

use super::*;

/// Records what the screen does; can be told to fail writes.
#[derive(Default)]
struct Recorder {
    out: Vec<u8>,
    raw: Vec<bool>,
    fail_writes: bool,
}

impl Write for Recorder {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.fail_writes {
            return Err(io::Error::other("terminal went away"));
        }
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Tty for Recorder {
    fn set_raw(&mut self, on: bool) -> io::Result<()> {
        self.raw.push(on);
        Ok(())
    }
}

const ALT_ON: &str = "\x1b[?1049h";
const ALT_OFF: &str = "\x1b[?1049l";
const PASTE_ON: &str = "\x1b[?2004h";
const PASTE_OFF: &str = "\x1b[?2004l";
const MOUSE_ON: &str = "\x1b[?1000h";
const MOUSE_OFF: &str = "\x1b[?1000l";

fn output(screen: &Screen<Recorder>) -> String {
    String::from_utf8(screen.tty().out.clone()).unwrap()
}

#[test]
fn enter_then_leave_undoes_everything_in_reverse() {
    let mut screen = Screen::new(Recorder::default(), Options::default());
    screen.enter().unwrap();
    assert!(screen.is_active());
    let entered = output(&screen);
    assert!(entered.contains(ALT_ON) && entered.contains(PASTE_ON));
    assert!(
        !entered.contains(MOUSE_ON),
        "mouse is optional and off by default"
    );
    screen.leave().unwrap();
    assert!(!screen.is_active());
    let all = output(&screen);
    let left = &all[entered.len()..];
    assert!(left.contains(PASTE_OFF) && left.contains(ALT_OFF));
    assert!(
        left.find(PASTE_OFF) < left.find(ALT_OFF),
        "paste is switched off on the main screen's behalf first"
    );
    assert_eq!(screen.tty().raw, [true, false]);
}

#[test]
fn mouse_capture_is_entered_and_left_when_asked() {
    let mut screen = Screen::new(Recorder::default(), Options { mouse: true });
    screen.enter().unwrap();
    assert!(output(&screen).contains(MOUSE_ON));
    screen.leave().unwrap();
    assert!(output(&screen).contains(MOUSE_OFF));
}

#[test]
fn entering_and_leaving_are_idempotent() {
    let mut screen = Screen::new(Recorder::default(), Options::default());
    screen.leave().unwrap();
    assert!(
        screen.tty().out.is_empty() && screen.tty().raw.is_empty(),
        "nothing to undo"
    );
    screen.enter().unwrap();
    let once = output(&screen);
    screen.enter().unwrap();
    assert_eq!(output(&screen), once);
    screen.leave().unwrap();
    let left = output(&screen);
    screen.leave().unwrap();
    assert_eq!(output(&screen), left);
    assert_eq!(screen.tty().raw, [true, false]);
}

#[test]
fn a_failed_enter_still_leaves_raw_mode() {
    let recorder = Recorder {
        fail_writes: true,
        ..Recorder::default()
    };
    let mut screen = Screen::new(recorder, Options::default());
    assert!(screen.enter().is_err());
    assert!(screen.is_active());
    assert!(screen.leave().is_err(), "the write failure is reported");
    assert_eq!(
        screen.tty().raw,
        [true, false],
        "raw mode is switched off regardless"
    );
    assert!(!screen.is_active());
}

/// A recorder whose log outlives the screen, to see what `Drop` did.
struct Shared(std::rc::Rc<std::cell::RefCell<Recorder>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Tty for Shared {
    fn set_raw(&mut self, on: bool) -> io::Result<()> {
        self.0.borrow_mut().set_raw(on)
    }
}

#[test]
fn dropping_the_screen_restores_it() {
    let log = std::rc::Rc::new(std::cell::RefCell::new(Recorder::default()));
    let mut screen = Screen::new(Shared(log.clone()), Options { mouse: true });
    screen.enter().unwrap();
    drop(screen);
    let log = log.borrow();
    let out = String::from_utf8(log.out.clone()).unwrap();
    assert!(out.contains(MOUSE_OFF));
    assert!(out.contains(ALT_OFF) && out.contains(PASTE_OFF));
    assert_eq!(log.raw, [true, false]);
}

#[test]
fn re_entering_after_leaving_works_like_the_first_time() {
    let mut screen = Screen::new(Recorder::default(), Options::default());
    screen.enter().unwrap();
    screen.leave().unwrap();
    screen.enter().unwrap();
    assert_eq!(output(&screen).matches(ALT_ON).count(), 2);
    assert_eq!(screen.tty().raw, [true, false, true]);
}

#[test]
fn restore_without_an_active_screen_writes_nothing() {
    // The panic hook calls this; with no screen entered it must not touch the terminal,
    // and calling it repeatedly is fine.
    restore();
    restore();
    assert!(!ACTIVE.load(Ordering::SeqCst));
}
