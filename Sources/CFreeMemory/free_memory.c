#include <stdlib.h>
#include "free_memory.h"
#if defined(__GLIBC__)
#include <malloc.h>
#endif

void cx_release_free_memory(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}
