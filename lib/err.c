/*
 * err.c - names and messages for errno values and project error codes.
 */
#include <string.h>

#include "err.h"
#include "banned.h"

static const char *const project_msgs[] = {
#define SPOOR_ERR_MSG_(name, msg) msg,
	SPOOR_ERRNO_MAP(SPOOR_ERR_MSG_)
#undef SPOOR_ERR_MSG_
};

static const char *const project_names[] = {
#define SPOOR_ERR_NAME_(name, msg) "SPOOR_E" #name,
	SPOOR_ERRNO_MAP(SPOOR_ERR_NAME_)
#undef SPOOR_ERR_NAME_
};

const char *spoor_strerror(int err)
{
	int e = err < 0 ? -err : err;

	if (e > SPOOR_ERR_BASE_ && e < SPOOR_ERR_END_)
		return project_msgs[e - SPOOR_ERR_BASE_ - 1];
	return strerror(e);
}

const char *spoor_errname(int err)
{
	int e = err < 0 ? -err : err;

	if (e > SPOOR_ERR_BASE_ && e < SPOOR_ERR_END_)
		return project_names[e - SPOOR_ERR_BASE_ - 1];
	switch (e) {
	case ENOENT: return "ENOENT";
	case EACCES: return "EACCES";
	case ENOMEM: return "ENOMEM";
	case EINVAL: return "EINVAL";
	case E2BIG: return "E2BIG";
	case ESRCH: return "ESRCH";
	case EPERM: return "EPERM";
	case ERANGE: return "ERANGE";
	default: return "E?";
	}
}
