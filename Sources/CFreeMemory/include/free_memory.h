#ifndef CHENGXIN_FREE_MEMORY_H
#define CHENGXIN_FREE_MEMORY_H
/// Hands the heap's free pages back to the system (glibc's malloc_trim(0); nothing elsewhere).
void cx_release_free_memory(void);
#endif
