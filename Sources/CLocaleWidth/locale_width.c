#define _XOPEN_SOURCE 700
#include <wchar.h>
#include "locale_width.h"

int cx_wcwidth(unsigned int codepoint) {
    return wcwidth((wchar_t)codepoint);
}
