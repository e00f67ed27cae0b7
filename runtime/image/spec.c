/* runtime/image/spec.c — reads the image spec (INI, via inih) into struct
 * image_spec and checks it, so the rest of image-assemble can trust it.
 *
 * inih calls one handler per `key = value` line.  A small reader in front of
 * it counts lines (for messages) and refuses lines longer than inih's fixed
 * buffer instead of letting them be split silently.
 */
#include "image/spec.h"
#include "lib/log.h"

#include <ini.h>

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* parse_ctx is the state shared by the reader and the handler. */
struct parse_ctx {
	struct image_spec *s;
	FILE *fp;
	int line;      /* number of the line inih is handling */
	int errors;    /* messages printed so far */
};

static void spec_err(struct parse_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void spec_err(struct parse_ctx *c, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (c->line)
		log_error("%s:%d: %s", c->s->path, c->line, msg);
	else
		log_error("%s: %s", c->s->path, msg);
	c->errors++;
}

static char *reader(char *str, int num, void *stream)
{
	struct parse_ctx *c = stream;
	if (!fgets(str, num, c->fp))
		return NULL;
	c->line++;
	size_t n = strlen(str);
	if (n == (size_t)num - 1 && str[n - 1] != '\n' && !feof(c->fp)) {
		spec_err(c, "line longer than %d bytes (use paths relative to the "
		         "project root)", num - 2);
		/* Swallow the rest so the error is reported once. */
		int ch;
		while ((ch = fgetc(c->fp)) != EOF && ch != '\n')
			;
		str[0] = '\0';
	}
	return str;
}

int parse_size(const char *text, uint64_t *bytes, int *fill, const char **why)
{
	*fill = 0;
	*bytes = 0;
	if (!strcmp(text, "fill")) {
		*fill = 1;
		return 0;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (end == text || errno || text[0] == '-') {
		*why = "not a size (write e.g. 64M, 2G or fill)";
		return -1;
	}
	uint64_t mul = MIB; /* a bare number is MiB, as the original read it */
	switch (toupper((unsigned char)*end)) {
	case '\0': break;
	case 'K': mul = 1024; end++; break;
	case 'M': mul = MIB; end++; break;
	case 'G': mul = 1024 * MIB; end++; break;
	case 'T': mul = 1024 * 1024 * MIB; end++; break;
	default:
		*why = "unknown unit (use K, M, G or T)";
		return -1;
	}
	if (!strcmp(end, "iB") || !strcmp(end, "B"))
		end += strlen(end);
	if (*end) {
		*why = "trailing characters after the size (write e.g. 64M)";
		return -1;
	}
	if (v == 0 || v > UINT64_MAX / mul) {
		*why = "size out of range";
		return -1;
	}
	*bytes = v * mul;
	if (*bytes % MIB) {
		*why = "sizes must be whole MiB (partitions are 1 MiB aligned)";
		return -1;
	}
	return 0;
}

static int parse_bool(const char *v, int *out)
{
	if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0"))
		*out = 0;
	else
		return -1;
	return 0;
}

static int set_str(struct parse_ctx *c, char **slot, const char *sect,
                   const char *name, const char *value)
{
	if (*slot) {
		spec_err(c, "[%s] %s is set twice (keep one)", sect, name);
		return 0;
	}
	*slot = strdup(value);
	return 1;
}

static int push(char ***v, size_t *n, const char *value)
{
	char **nv = realloc(*v, (*n + 1) * sizeof **v);
	if (!nv)
		return 0;
	*v = nv;
	nv[(*n)++] = strdup(value);
	return 1;
}

/* module_name_ok: names reach the /init script only as paths depmod wrote,
 * but one with '/', a quote or a blank is no module name at all. */
static int module_name_ok(const char *w)
{
	for (const char *q = w; *q; q++)
		if (!isgraph((unsigned char)*q) || strchr("/'\"\\$`", *q))
			return 0;
	return 1;
}

/* module_names adds the space-separated names of an initrd_modules line
 * (the key may repeat, so a long list fits inih's line length). */
static int module_names(struct parse_ctx *c, const char *value)
{
	struct image_spec *s = c->s;
	if (!s->initrd_modules_line)
		s->initrd_modules_line = c->line;
	for (const char *p = value + strspn(value, " \t"); *p; p += strspn(p, " \t")) {
		char *w = strndup(p, strcspn(p, " \t"));
		if (!w)
			return 0;
		p += strlen(w);
		if (!module_name_ok(w))
			spec_err(c, "[image] initrd_modules: '%s' is not a kernel module name "
			         "(write names like virtio_blk ext4, separated by spaces)", w);
		else if (!push(&s->initrd_modules, &s->ninitrd_modules, w)) {
			free(w);
			return 0;
		}
		free(w);
	}
	return 1;
}

static int image_key(struct parse_ctx *c, const char *name, const char *value)
{
	struct image_spec *s = c->s;
	static const struct { const char *key; size_t off; } strs[] = {
		{"name", offsetof(struct image_spec, name)},
		{"output", offsetof(struct image_spec, output)},
		{"manifest", offsetof(struct image_spec, manifest)},
		{"key", offsetof(struct image_spec, key)},
		{"hostname", offsetof(struct image_spec, hostname)},
		{"timezone", offsetof(struct image_spec, timezone)},
		{"arch", offsetof(struct image_spec, arch)},
		{"image_key", offsetof(struct image_spec, image_key)},
		{"cmdline", offsetof(struct image_spec, cmdline)},
		{"kernel", offsetof(struct image_spec, kernel)},
		{"initrd", offsetof(struct image_spec, initrd)},
		{"kernel_out", offsetof(struct image_spec, kernel_out)},
		{"initrd_out", offsetof(struct image_spec, initrd_out)},
		{"initramfs", offsetof(struct image_spec, initramfs)},
		{"initrd_manifest", offsetof(struct image_spec, initrd_manifest)},
		{"mbr", offsetof(struct image_spec, mbr)},
	};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		if (!strcmp(name, strs[i].key))
			return set_str(c, (char **)((char *)s + strs[i].off), "image",
			               name, value);
	if (!strcmp(name, "repository"))
		return push(&s->repositories, &s->nrepositories, value);
	if (!strcmp(name, "world"))
		return push(&s->world, &s->nworld, value);
	if (!strcmp(name, "initrd_modules"))
		return module_names(c, value);
	if (!strcmp(name, "boot")) {
		if (!strcmp(value, "syslinux")) s->boot = BOOT_SYSLINUX;
		else if (!strcmp(value, "direct")) s->boot = BOOT_DIRECT;
		else if (!strcmp(value, "none")) s->boot = BOOT_NONE;
		else spec_err(c, "[image] boot = %s: use syslinux, direct or none", value);
		return 1;
	}
	if (!strcmp(name, "table")) {
		if (!strcmp(value, "mbr") || !strcmp(value, "dos")) s->table = TABLE_MBR;
		else if (!strcmp(value, "gpt")) s->table = TABLE_GPT;
		else spec_err(c, "[image] table = %s: use mbr or gpt", value);
		return 1;
	}
	if (!strcmp(name, "scripts")) {
		if (!strcmp(value, "auto")) s->scripts = SCRIPTS_AUTO;
		else if (!strcmp(value, "skip")) s->scripts = SCRIPTS_SKIP;
		else if (!strcmp(value, "require")) s->scripts = SCRIPTS_REQUIRE;
		else spec_err(c, "[image] scripts = %s: use auto, skip or require", value);
		return 1;
	}
	if (!strcmp(name, "size")) {
		const char *why;
		int fill;
		if (parse_size(value, &s->disk_size, &fill, &why) || fill)
			spec_err(c, "[image] size = %s: %s", value,
			         fill ? "the disk size cannot be fill" : why);
		return 1;
	}
	if (!strcmp(name, "source_date_epoch")) {
		char *end;
		errno = 0;
		long long v = strtoll(value, &end, 10);
		if (*end || errno || v < 0)
			spec_err(c, "[image] source_date_epoch = %s: not a number of seconds",
			         value);
		s->epoch = v;
		return 1;
	}
	spec_err(c, "[image] unknown key '%s' (see docs/image.md)", name);
	return 1;
}

static int part_key(struct parse_ctx *c, struct partition *p, const char *name,
                    const char *value)
{
	char sect[300];
	snprintf(sect, sizeof sect, "partition \"%s\"", p->label);
	if (!strcmp(name, "type")) {
		if (!strcmp(value, "ext4")) p->type = PART_EXT4;
		else if (!strcmp(value, "vfat") || !strcmp(value, "fat")) p->type = PART_VFAT;
		else if (!strcmp(value, "raw") || !strcmp(value, "none")) p->type = PART_RAW;
		else spec_err(c, "[%s] type = %s: use ext4, vfat or raw", sect, value);
	} else if (!strcmp(name, "size")) {
		const char *why;
		if (parse_size(value, &p->size, &p->fill, &why))
			spec_err(c, "[%s] size = %s: %s", sect, value, why);
	} else if (!strcmp(name, "root")) {
		if (parse_bool(value, &p->root))
			spec_err(c, "[%s] root = %s: use true or false", sect, value);
	} else if (!strcmp(name, "bootable")) {
		if (parse_bool(value, &p->bootable))
			spec_err(c, "[%s] bootable = %s: use true or false", sect, value);
	} else if (!strcmp(name, "contents")) {
		return set_str(c, &p->contents, sect, name, value);
	} else if (!strcmp(name, "file")) {
		return set_str(c, &p->file, sect, name, value);
	} else {
		spec_err(c, "[%s] unknown key '%s' (see docs/image.md)", sect, name);
	}
	return 1;
}

/* section_label extracts LABEL from `partition "LABEL"`; NULL if malformed. */
static char *section_label(const char *section)
{
	if (strncmp(section, "partition", 9))
		return NULL;
	const char *p = section + 9;
	while (*p == ' ')
		p++;
	size_t n = strlen(p);
	if (n < 3 || p[0] != '"' || p[n - 1] != '"')
		return NULL;
	return strndup(p + 1, n - 2);
}

static int handler(void *user, const char *section, const char *name,
                   const char *value)
{
	struct parse_ctx *c = user;
	struct image_spec *s = c->s;
	if (!strcmp(section, "image"))
		return image_key(c, name, value);
	if (!strcmp(section, "packages")) {
		if (strcmp(name, "apk")) {
			spec_err(c, "[packages] expects 'apk = <path>' lines, not '%s'", name);
			return 1;
		}
		return push(&s->packages, &s->npackages, value);
	}
	char *label = section_label(section);
	if (!label) {
		spec_err(c, "unknown section [%s] (use [image], [partition \"label\"] "
		         "or [packages])", section);
		return 1;
	}
	struct partition *p = s->nparts ? &s->parts[s->nparts - 1] : NULL;
	if (!p || strcmp(p->label, label)) {
		for (size_t i = 0; i < s->nparts; i++)
			if (!strcmp(s->parts[i].label, label)) {
				spec_err(c, "[partition \"%s\"] appears twice (merge them)", label);
				free(label);
				return 1;
			}
		struct partition *np = realloc(s->parts, (s->nparts + 1) * sizeof *np);
		if (!np) {
			free(label);
			return 0;
		}
		s->parts = np;
		p = &np[s->nparts++];
		memset(p, 0, sizeof *p);
		p->label = label;
		p->type = PART_RAW;
		p->line = c->line;
		p->size = UINT64_MAX; /* "not given" until checked */
	} else {
		free(label);
	}
	return part_key(c, p, name, value);
}

/* label_ok: filesystem labels end up in mkfs arguments and GPT names. */
static int label_ok(const char *l)
{
	if (!*l || strlen(l) > 16)
		return 0;
	for (const char *p = l; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return 0;
	return 1;
}

static int validate(struct parse_ctx *c)
{
	struct image_spec *s = c->s;
	c->line = 0;
	if (!s->name)
		spec_err(c, "[image] name is missing (add name = <image name>)");
	if (!s->key)
		spec_err(c, "[image] key is missing (add key = <project public key .pem>)");
	if (!s->npackages)
		spec_err(c, "[packages] is empty (add apk = <path> lines)");
	if (s->nparts && !s->output)
		spec_err(c, "[image] output is missing (add output = <path>.img)");
	if (!s->nparts && s->output)
		spec_err(c, "[image] output given but no [partition \"...\"] sections");
	if (!s->nparts && !s->initramfs)
		spec_err(c, "nothing to write: add partitions or [image] initramfs");
	if (s->table == TABLE_MBR && s->nparts > 4)
		spec_err(c, "%zu partitions do not fit an MBR table (max 4; set "
		         "[image] table = gpt)", s->nparts);
	int roots = 0, fills = 0, vfats = 0;
	for (size_t i = 0; i < s->nparts; i++) {
		struct partition *p = &s->parts[i];
		c->line = p->line;
		if (!label_ok(p->label))
			spec_err(c, "partition label '%s': use 1-16 letters, digits, - or _",
			         p->label);
		if (p->size == UINT64_MAX)
			spec_err(c, "[partition \"%s\"] size is missing (add size = 64M, 2G "
			         "or fill)", p->label);
		roots += p->root;
		fills += p->fill;
		vfats += p->type == PART_VFAT;
		if (p->root && p->type != PART_EXT4)
			spec_err(c, "[partition \"%s\"] root = true needs type = ext4", p->label);
		if (p->file && p->type != PART_RAW)
			spec_err(c, "[partition \"%s\"] file = is only for type = raw", p->label);
		if (p->contents && p->type == PART_RAW)
			spec_err(c, "[partition \"%s\"] contents = needs ext4 or vfat", p->label);
	}
	c->line = 0;
	if (s->nparts && roots != 1)
		spec_err(c, "exactly one partition needs root = true (found %d)", roots);
	if (fills > 1)
		spec_err(c, "only one partition can have size = fill (found %d)", fills);
	if (s->boot == BOOT_SYSLINUX && !vfats)
		spec_err(c, "boot = syslinux needs a vfat partition for the loader "
		         "(add [partition \"boot\"] type = vfat)");
	if (s->ninitrd_modules) {
		c->line = s->initrd_modules_line;
		if (s->boot == BOOT_NONE)
			spec_err(c, "[image] initrd_modules needs boot = direct or syslinux (the "
			         "initramfs is built for the boot loader)");
		if (s->initrd)
			spec_err(c, "[image] initrd_modules and initrd are both set (keep "
			         "initrd_modules to build the initramfs, or initrd to use the "
			         "rootfs's one)");
		c->line = 0;
	}
	if (!s->arch)
		s->arch = strdup("x86_64");
	if (!s->image_key)
		s->image_key = strdup(s->name ? s->name : "image");
	return c->errors ? -1 : 0;
}

/* default_outputs fills in output paths derived from [image] output. */
static void default_outputs(struct image_spec *s)
{
	char buf[4096];
	const char *base = s->output ? s->output : s->initramfs;
	if (!s->manifest && base) {
		snprintf(buf, sizeof buf, "%s.manifest", base);
		s->manifest = strdup(buf);
	}
	if (s->ninitrd_modules && !s->initrd_manifest && base) {
		snprintf(buf, sizeof buf, "%s.initrd.manifest", base);
		s->initrd_manifest = strdup(buf);
	}
	if (s->boot == BOOT_DIRECT && base) {
		size_t n = strlen(base);
		if (n > 4 && !strcmp(base + n - 4, ".img"))
			n -= 4;
		if (!s->kernel_out) {
			snprintf(buf, sizeof buf, "%.*s.kernel", (int)n, base);
			s->kernel_out = strdup(buf);
		}
		if (!s->initrd_out) {
			snprintf(buf, sizeof buf, "%.*s.initrd", (int)n, base);
			s->initrd_out = strdup(buf);
		}
	}
}

int spec_load(struct image_spec *s, const char *path)
{
	memset(s, 0, sizeof *s);
	s->path = strdup(path);
	s->boot = BOOT_NONE;
	s->table = TABLE_MBR;
	s->scripts = SCRIPTS_AUTO;
	s->epoch = -1;
	struct parse_ctx c = {.s = s};
	c.fp = fopen(path, "r");
	if (!c.fp) {
		log_errno("%s: cannot read the image spec", path);
		return -1;
	}
	int rc = ini_parse_stream(reader, &c, handler, &c);
	fclose(c.fp);
	if (rc > 0 && !c.errors) {
		c.line = rc;
		spec_err(&c, "not an INI line (write key = value or [section])");
	} else if (rc < 0) {
		spec_err(&c, "cannot parse (out of memory)");
	}
	if (s->epoch < 0) {
		const char *e = getenv("SOURCE_DATE_EPOCH");
		s->epoch = e && *e ? strtoll(e, NULL, 10) : 0;
	}
	if (validate(&c))
		return -1;
	default_outputs(s);
	return 0;
}

struct partition *spec_root(const struct image_spec *s)
{
	for (size_t i = 0; i < s->nparts; i++)
		if (s->parts[i].root)
			return &s->parts[i];
	return NULL;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void spec_free(struct image_spec *s)
{
	char **strs[] = {&s->path, &s->name, &s->output, &s->manifest, &s->key,
	                 &s->hostname, &s->timezone, &s->arch, &s->image_key,
	                 &s->cmdline, &s->kernel, &s->initrd, &s->kernel_out,
	                 &s->initrd_out, &s->initramfs, &s->mbr, &s->initrd_manifest};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		free(*strs[i]);
	for (size_t i = 0; i < s->nparts; i++) {
		free(s->parts[i].label);
		free(s->parts[i].contents);
		free(s->parts[i].file);
	}
	free(s->parts);
	free_list(s->repositories, s->nrepositories);
	free_list(s->world, s->nworld);
	free_list(s->initrd_modules, s->ninitrd_modules);
	free_list(s->packages, s->npackages);
	memset(s, 0, sizeof *s);
}
