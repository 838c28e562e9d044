#ifndef CHENGXIN_NCURSESW_SHIM_H
#define CHENGXIN_NCURSESW_SHIM_H

// SwiftPM drops pkg-config's -D flags: define the wide-character API here, before the include.
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <locale.h>
#include <wchar.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

// Swift 6 rejects the global `stdscr` and the attribute macros; wrap them.
static inline WINDOW *cx_stdscr(void) { return stdscr; }
static inline int cx_lines(void) { return getmaxy(stdscr); }
static inline int cx_cols(void) { return getmaxx(stdscr); }
static inline int cx_attr_bold(void) { return (int)A_BOLD; }
static inline int cx_attr_reverse(void) { return (int)A_REVERSE; }
static inline int cx_attr_underline(void) { return (int)A_UNDERLINE; }
static inline int cx_attr_dim(void) { return (int)A_DIM; }
static inline int cx_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline int cx_key_resize(void) { return KEY_RESIZE; }
static inline int cx_key_code_yes(void) { return KEY_CODE_YES; }
static inline int cx_err(void) { return ERR; }
static inline int cx_get_wch(wint_t *out) { return get_wch(out); }
static inline int cx_addnwstr_at(int y, int x, const wchar_t *s, int n) { return mvaddnwstr(y, x, s, n); }
static inline int cx_attrset(int a) { return attrset(a); }
static inline int cx_typeahead_off(void) { return typeahead(-1); }
static inline int cx_timeout_ms(int ms) { timeout(ms); return 0; }
static inline int cx_move(int y, int x) { return move(y, x); }

static inline int cx_key_mouse(void) { return KEY_MOUSE; }
static inline void cx_enable_mouse(void) {
    mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);
}
/// Reads the pending mouse event: 1 left press, 4 wheel up, 5 wheel down, 0 other; -1 none.
static inline int cx_get_mouse(int *x, int *y) {
    MEVENT event;
    if (getmouse(&event) != OK) return -1;
    *x = event.x;
    *y = event.y;
    if (event.bstate & BUTTON1_PRESSED) return 1;
    if (event.bstate & BUTTON4_PRESSED) return 4;
    if (event.bstate & BUTTON5_PRESSED) return 5;
    return 0;
}

/// Starts curses on stdout/stdin for `term`; NULL when the terminal cannot be set up (where
/// initscr would print ncurses' own message and exit).
static inline SCREEN *cx_newterm(const char *term) { return newterm(term, stdout, stdin); }

/// Whether `term` can serve a full-screen program: 1 yes; 0 unknown to terminfo; -1 no terminfo
/// database; 2 known but unable to address the cursor (dumb, hardcopy, generic).
static inline int cx_term_usable(const char *term) {
    int status = 0;
    if (setupterm((char *)term, 1, &status) != OK) {
        if (status == 1) return 2;
        return status == 0 ? 0 : -1;
    }
    const char *cup = tigetstr("cup");
    int usable = cup != NULL && cup != (char *)-1 && tigetflag("hc") <= 0 && tigetflag("gn") <= 0;
    del_curterm(cur_term);
    return usable ? 1 : 2;
}

/// The window's size from the terminal driver; -1 when it does not say.
static inline int cx_tty_size(int fd, int *rows, int *cols) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0) return -1;
    *rows = ws.ws_row;
    *cols = ws.ws_col;
    return 0;
}

static inline int cx_resizeterm(int rows, int cols) { return resizeterm(rows, cols); }

// SIGWINCH is caught here, not by ncurses (which acts on it only inside getch, which chengxin does
// not call): the handler only sets a flag, and interrupts poll(2). Only NcursesBackend.swift uses
// these, so there is one flag.
static volatile sig_atomic_t cx_window_changed = 0;
static void cx_on_winch(int signal_number) { (void)signal_number; cx_window_changed = 1; }
static inline int cx_catch_winch(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = cx_on_winch;
    sigemptyset(&action.sa_mask);
    return sigaction(SIGWINCH, &action, NULL);
}
static inline int cx_take_winch(void) {
    int changed = cx_window_changed;
    cx_window_changed = 0;
    return changed;
}

/// Bracketed paste on (DEC private mode 2004): the terminal wraps pasted text in ESC [200~ … ESC [201~.
static inline void cx_bracketed_paste_on(void) {
    static const char on[] = "\033[?2004h";
    (void)!write(1, on, sizeof on - 1);
}
/// Gives the terminal back: endwin (mouse reporting off, the screen and modes restored), then
/// bracketed paste off. Also called from the SIGTERM/SIGHUP handlers.
static inline void cx_leave(void) {
    static const char off[] = "\033[?2004l";
    endwin();
    (void)!write(1, off, sizeof off - 1);
}

#endif
