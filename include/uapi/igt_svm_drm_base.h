/* SPDX-License-Identifier: MIT */
/*
 * The DRM core uAPI (DRM_IOCTL_BASE, DRM_COMMAND_BASE, DRM_IO*(),
 * struct drm_version, GEM close, syncobj ...) is stable and identical in
 * every copy, so we do not redeclare it: we only find a copy.
 *
 * Where it lives differs: Fedora/Arch kernel-headers ship <drm/drm.h>,
 * Debian's linux-libc-dev leaves include/drm out and libdrm-dev installs
 * it as <libdrm/drm.h> (which libdrm's own pkg-config path turns into
 * <drm.h>).  All copies share the _DRM_H_ guard, so whichever one a test
 * includes first (ours here, or libdrm's through xf86drm.h) wins and the
 * other becomes a no-op.
 */
#ifndef IGT_SVM_UAPI_DRM_BASE_H
#define IGT_SVM_UAPI_DRM_BASE_H

#if defined(__has_include)
# if __has_include(<drm/drm.h>)
#  include <drm/drm.h>
# elif __has_include(<libdrm/drm.h>)
#  include <libdrm/drm.h>
# elif __has_include(<drm.h>)
#  include <drm.h>
# else
#  error "no drm.h found: install libdrm-dev (or the kernel's uAPI headers)"
# endif
#else
# include <libdrm/drm.h>
#endif

#endif /* IGT_SVM_UAPI_DRM_BASE_H */
