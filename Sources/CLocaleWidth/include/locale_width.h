#ifndef CHENGXIN_LOCALE_WIDTH_H
#define CHENGXIN_LOCALE_WIDTH_H
/// The C library's wcwidth (the rule ncurses uses), reachable from Swift without ncurses.
int cx_wcwidth(unsigned int codepoint);
#endif
