#include "build_info.h"

#ifndef CHENGXIN_VERSION
#define CHENGXIN_VERSION ""
#endif
#ifndef CHENGXIN_COMMIT
#define CHENGXIN_COMMIT ""
#endif

const char *chengxin_build_version(void) { return CHENGXIN_VERSION; }
const char *chengxin_build_commit(void) { return CHENGXIN_COMMIT; }
