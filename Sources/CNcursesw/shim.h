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

#endif
