/*
 * filehash.c - streamed file digests through OpenSSL's EVP interface
 * (see filehash.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "filehash.h"
#include "xalloc.h"
#include "banned.h"

struct digests {
	EVP_MD_CTX *ctx[3];
	char *out[3];
};

static const EVP_MD *algo_md(int i)
{
	switch (i) {
	case 0: return EVP_md5();
	case 1: return EVP_sha1();
	default: return EVP_sha256();
	}
}

static void digests_release(struct digests *d)
{
	for (int i = 0; i < 3; i++)
		EVP_MD_CTX_free(d->ctx[i]);
}

static int digests_init(struct digests *d, unsigned algos, struct filehash *ret)
{
	memset(d, 0, sizeof(*d));
	memset(ret, 0, sizeof(*ret));
	d->out[0] = ret->md5;
	d->out[1] = ret->sha1;
	d->out[2] = ret->sha256;
	for (int i = 0; i < 3; i++) {
		if (!(algos & (1u << i)))
			continue;
		d->ctx[i] = EVP_MD_CTX_new();
		if (!d->ctx[i] || EVP_DigestInit_ex(d->ctx[i], algo_md(i), NULL) != 1) {
			digests_release(d);
			return -EIO;
		}
	}
	return 0;
}

static int digests_update(struct digests *d, const void *buf, size_t len)
{
	for (int i = 0; i < 3; i++)
		if (d->ctx[i] && EVP_DigestUpdate(d->ctx[i], buf, len) != 1)
			return -EIO;
	return 0;
}

static int digests_final(struct digests *d)
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < 3; i++) {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int n = 0;

		if (!d->ctx[i])
			continue;
		if (EVP_DigestFinal_ex(d->ctx[i], md, &n) != 1)
			return -EIO;
		for (unsigned int k = 0; k < n; k++) {
			d->out[i][2 * k] = hex[md[k] >> 4];
			d->out[i][2 * k + 1] = hex[md[k] & 15];
		}
		d->out[i][2 * n] = '\0';
	}
	return 0;
}

int filehash_buf(const void *buf, size_t len, unsigned algos, struct filehash *ret)
{
	struct digests d;
	int r;

	r = digests_init(&d, algos, ret);
	if (r < 0)
		return r;
	r = digests_update(&d, buf, len);
	if (r == 0)
		r = digests_final(&d);
	digests_release(&d);
	if (r < 0)
		memset(ret, 0, sizeof(*ret));
	return r;
}

int filehash_fd(int fd, unsigned algos, struct filehash *ret)
{
	struct digests d;
	char *buf;
	int r;

	r = digests_init(&d, algos, ret);
	if (r < 0)
		return r;
	buf = xmalloc(FILEHASH_CHUNK);
	/* a hint only: the file is read once, front to back */
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	for (;;) {
		ssize_t n = read(fd, buf, FILEHASH_CHUNK);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (n == 0) {
			r = digests_final(&d);
			break;
		}
		r = digests_update(&d, buf, (size_t)n);
		if (r < 0)
			break;
	}
	free(buf);
	digests_release(&d);
	if (r < 0)
		memset(ret, 0, sizeof(*ret));
	return r;
}
