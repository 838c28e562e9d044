#ifndef CHENGXIN_BUILD_INFO_H
#define CHENGXIN_BUILD_INFO_H

/// The version and the commit this binary was built from, as tools/package passes them
/// (-Xcc -DCHENGXIN_VERSION=... -DCHENGXIN_COMMIT=...); empty in a build from a checkout.
const char *chengxin_build_version(void);
const char *chengxin_build_commit(void);

#endif
