#ifndef CHENGXIN_NCURSESW_SHIM_H
#define CHENGXIN_NCURSESW_SHIM_H

// SwiftPM drops pkg-config's -D flags: define the wide-character API here, before the include.
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

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
static inline int cx_keypad_on(void) { return keypad(stdscr, TRUE); }
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

#endif
