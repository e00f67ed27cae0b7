/* tests/starlark-lib/test_lib.c — unit tests of the Starlark built-in
 * library: small programs run through the interpreter, their results (or
 * error messages) compared with what go.starlark.net gives.  The cases are
 * the tricky ones: split edge cases, % formatting, str.format errors, sort
 * stability, int() base rules, UTF-8 handling, frozen values. */
#include "starlark/starlark.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>

/* run executes src (which must assign its result to r) with sets enabled
 * and returns repr(r), or "error: <message>". */
static const char *run(const char *src)
{
	static char out[8][4096];
	static int slot;
	char *res = out[slot++ % 8];
	sl_thread *th = sl_thread_new();
	sl_thread_set_options(th, SL_OPT_SET | SL_OPT_GLOBALREASSIGN | SL_OPT_TOPLEVELCONTROL);
	struct sl_module *m = sl_exec_file(th, "test.star", src, strlen(src), NULL);
	if (!m) {
		const char *msg = sl_error_message(th);
		snprintf(res, 4096, "error: %s", msg ? msg : "(none)");
	} else {
		sl_value r = sl_module_get(m, "r");
		struct sl_buf b = SL_BUF_INIT;
		if (r)
			sl_repr(r, &b);
		snprintf(res, 4096, "%s", r ? b.data : "(no r)");
		sl_buf_free(&b);
	}
	sl_thread_free(th);
	return res;
}

/* run_frozen is run with fl = [1, 2], fd = {"a": 1}, fs = set([1])
 * predeclared, all frozen. */
static const char *run_frozen(const char *src)
{
	static char res[4096];
	sl_thread *th = sl_thread_new();
	sl_thread_set_options(th, SL_OPT_SET);
	sl_value one = sl_int(1), two = sl_int(2), a = sl_cstring("a");
	sl_value fl = sl_list_new(2), fd = sl_dict_new(1), fs = sl_set_new(1);
	sl_list_push(fl, one);
	sl_list_push(fl, two);
	sl_dict_set(th, fd, a, one);
	sl_set_add(th, fs, one);
	sl_value pre = sl_dict_new(3);
	sl_dict_set(th, pre, sl_cstring("fl"), fl);
	sl_dict_set(th, pre, sl_cstring("fd"), fd);
	sl_dict_set(th, pre, sl_cstring("fs"), fs);
	sl_freeze(pre);
	struct sl_module *m = sl_exec_file(th, "test.star", src, strlen(src), pre);
	const char *msg = m ? "ok" : sl_error_message(th);
	snprintf(res, sizeof res, "%s%s", m ? "" : "error: ", msg ? msg : "(none)");
	sl_thread_free(th);
	return res;
}

/* ev evaluates one expression: run("r = " expr). */
static const char *ev(const char *expr)
{
	char src[4096];
	snprintf(src, sizeof src, "r = %s\n", expr);
	return run(src);
}

TEST(split_edges)
{
	CHECK_STR(ev("'a,b,,c'.split(',')"), "[\"a\", \"b\", \"\", \"c\"]");
	CHECK_STR(ev("''.split(',')"), "[\"\"]");
	CHECK_STR(ev("''.split()"), "[]");
	CHECK_STR(ev("'  a  b  '.split(None, 1)"), "[\"a\", \"b  \"]");
	CHECK_STR(ev("'  a  b  '.rsplit(None, 1)"), "[\"  a\", \"b\"]");
	CHECK_STR(ev("'a.b.c'.rsplit('.', 1)"), "[\"a.b\", \"c\"]");
	CHECK_STR(ev("'aaa'.rsplit('aa', 1)"), "[\"\", \"a\"]");
	CHECK_STR(ev("'--a--'.split('-', 1)"), "[\"\", \"-a--\"]");
	CHECK_STR(ev("'x'.split('')"), "error: split: empty separator");
	CHECK_STR(ev("'x'.rsplit(1)"), "error: split: got int for separator, want string");
	CHECK_STR(ev("'a\\nb\\n'.splitlines(True)"), "[\"a\\n\", \"b\\n\"]");
	CHECK_STR(ev("'\\n\\n'.splitlines()"), "[\"\", \"\"]");
	CHECK_STR(ev("'a\\u3000b'.split()"), "[\"a\", \"b\"]");
	CHECK_STR(ev("'a/b/c'.rpartition('/')"), "(\"a/b\", \"/\", \"c\")");
	CHECK_STR(ev("'abc'.partition('x')"), "(\"abc\", \"\", \"\")");
	CHECK_STR(ev("'abc'.partition('')"), "error: partition: empty separator");
}

TEST(percent_format)
{
	CHECK_STR(ev("'%s|%r|%d|%i|%o|%x|%X' % ('a', 'a', 42, -7, 8, 255, 255)"),
	          "\"a|\\\"a\\\"|42|-7|10|ff|FF\"");
	CHECK_STR(ev("'%d' % 3.9"), "\"3\"");
	CHECK_STR(ev("'%x' % -255"), "\"-ff\"");
	CHECK_STR(ev("'%d' % (1 << 70)"), "\"1180591620717411303424\"");
	CHECK_STR(ev("'%e %f %g' % (1.5, 1.5, 1.5)"), "\"1.500000e+00 1.500000 1.5\"");
	CHECK_STR(ev("'%g' % 100"), "\"100.0\"");
	CHECK_STR(ev("'%(a)s-%(b)r' % {'a': 1, 'b': 'x'}"), "\"1-\\\"x\\\"\"");
	CHECK_STR(ev("'%s %s' % [1, 2]"), "error: not enough arguments for format string");
	CHECK_STR(ev("'%s' % (1, 2)"), "error: too many arguments for format string");
	CHECK_STR(ev("'%(a)s' % 1"), "error: format requires a mapping");
	CHECK_STR(ev("'%(a)s' % {}"), "error: key not found: a");
	CHECK_STR(ev("'%(a' % {}"), "error: incomplete format key");
	CHECK_STR(ev("'abc%' % (1,)"), "error: incomplete format");
	CHECK_STR(ev("'abc%' % ()"), "error: not enough arguments for format string");
	CHECK_STR(ev("'%q' % 1"), "error: unknown conversion %q");
	CHECK_STR(ev("'%d' % 'x'"), "error: %d format requires integer: cannot convert string to int");
	CHECK_STR(ev("'%f' % 'x'"), "error: %f format requires float, not string");
	CHECK_STR(ev("'%c%c' % (65, 'é')"), "\"Aé\"");
	CHECK_STR(ev("'100%%' % ()"), "\"100%\"");
	CHECK_STR(ev("'%s' % {'a': 1}"), "\"{\\\"a\\\": 1}\"");
}

TEST(str_format)
{
	CHECK_STR(ev("'{} {}'.format(1, 'a')"), "\"1 a\"");
	CHECK_STR(ev("'{1}{0}'.format('a', 'b')"), "\"ba\"");
	CHECK_STR(ev("'{x}{{}}'.format(x=[1])"), "\"[1]{}\"");
	CHECK_STR(ev("'{!r}'.format('a')"), "\"\\\"a\\\"\"");
	CHECK_STR(ev("'{0:>3}'.format(1)"), "error: format spec features not supported in replacement fields: >3");
	CHECK_STR(ev("'{}{0}'.format(1)"),
	          "error: format: cannot switch from automatic field numbering to manual field specification");
	CHECK_STR(ev("'{0}{}'.format(1)"),
	          "error: format: cannot switch from manual field specification to automatic field numbering");
	CHECK_STR(ev("'{'.format()"), "error: format: unmatched '{' in format");
	CHECK_STR(ev("'}'.format()"), "error: format: single '}' in format");
	CHECK_STR(ev("'{x!z}'.format(x=1)"), "error: format: unknown conversion \"z\"");
	CHECK_STR(ev("'{a.b}'.format()"),
	          "error: format: attribute syntax x.y is not supported in replacement fields: a.b");
	CHECK_STR(ev("'{2}'.format(1)"), "error: format: tuple index out of range");
}

TEST(sorted_stable)
{
	CHECK_STR(ev("sorted([(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd')], key=lambda p: p[0])"),
	          "[(1, \"b\"), (1, \"d\"), (2, \"a\"), (2, \"c\")]");
	CHECK_STR(ev("sorted([(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd')], key=lambda p: p[0], reverse=True)"),
	          "[(2, \"a\"), (2, \"c\"), (1, \"b\"), (1, \"d\")]");
	/* long enough to exercise the merge passes */
	CHECK_STR(ev("sorted(range(50), key=lambda x: x % 3)[:5]"), "[0, 3, 6, 9, 12]");
	CHECK_STR(ev("sorted([3, 1, 2], reverse=True)"), "[3, 2, 1]");
	CHECK_STR(ev("sorted([1, 2, None, 3])"), "error: int < NoneType not implemented");
	CHECK_STR(ev("sorted(1)"), "error: sorted: for parameter iterable: got int, want iterable");
	CHECK_STR(ev("sorted([1], key=None)"), "error: sorted: for parameter \"key\": got NoneType, want callable");
}

TEST(int_bases)
{
	CHECK_STR(ev("int('0x1F', 16)"), "31");
	CHECK_STR(ev("int('0x1F', 0)"), "31");
	CHECK_STR(ev("int('0b101', 0)"), "5");
	CHECK_STR(ev("int('0o17', 0)"), "15");
	CHECK_STR(ev("int('0b0', 16)"), "176");
	CHECK_STR(ev("int('-0x10', 0)"), "-16");
	CHECK_STR(ev("int('000', 0)"), "0");
	CHECK_STR(ev("int('z', 36)"), "35");
	CHECK_STR(ev("int('99999999999999999999999')"), "99999999999999999999999");
	CHECK_STR(ev("int('0755', 0)"), "error: int: invalid literal with base 0: 0755");
	CHECK_STR(ev("int('0x12')"), "error: int: invalid literal with base 10: 0x12");
	CHECK_STR(ev("int('')"), "error: int: invalid literal with base 10: ");
	CHECK_STR(ev("int('1_0')"), "error: int: invalid literal with base 10: 1_0");
	CHECK_STR(ev("int('+-4')"), "error: int: invalid literal with base 10: +-4");
	CHECK_STR(ev("int('1', 1)"), "error: int: base must be an integer >= 2 && <= 36");
	CHECK_STR(ev("int(1, 10)"), "error: int: can't convert non-string with explicit base");
	CHECK_STR(ev("int(-3.9)"), "-3");
	CHECK_STR(ev("int(1e20)"), "100000000000000000000");
	CHECK_STR(ev("int(None)"), "error: int: cannot convert NoneType to int");
}

TEST(float_parse)
{
	CHECK_STR(ev("float('1e3')"), "1000.0");
	CHECK_STR(ev("float(' 1')"), "error: invalid float literal:  1");
	CHECK_STR(ev("float('.5')"), "0.5");
	CHECK_STR(ev("float('-InFinity')"), "-inf");
	CHECK_STR(ev("float('1e999')"), "error: floating-point number too large");
	CHECK_STR(ev("float('0x1p4')"), "16.0");
	CHECK_STR(ev("float('1e')"), "error: invalid float literal: 1e");
}

TEST(strings_misc)
{
	CHECK_STR(ev("hash('hello')"), "99162322");
	CHECK_STR(ev("hash('Hello, 世界!')"), "417292677");
	CHECK_STR(ev("'abc'.replace('', '-')"), "\"-a-b-c-\"");
	CHECK_STR(ev("'aaaa'.replace('a', 'b', 2)"), "\"bbaa\"");
	CHECK_STR(ev("'banana'.count('')"), "7");
	CHECK_STR(ev("'abc'.find('c', -1)"), "2");
	CHECK_STR(ev("'abc'.rindex('x')"), "error: rindex: substring not found");
	CHECK_STR(ev("'abc'.find('a', 'x')"), "error: find: invalid start index: got string, want int");
	CHECK_STR(ev("'xxhixx'.strip('x')"), "\"hi\"");
	CHECK_STR(ev("'  hi\\t'.rstrip()"), "\"  hi\"");
	CHECK_STR(ev("'hello world'.title()"), "\"Hello World\"");
	CHECK_STR(ev("'ǉubović'.title()"), "\"ǈubović\"");
	CHECK_STR(ev("'É'.lower() + 'ß'.upper()"), "\"éß\"");
	CHECK_STR(ev("['Ab'.istitle(), 'aB'.islower(), 'AB1'.isupper(), '٣'.isdigit(), ''.isalpha()]"),
	          "[True, False, True, True, False]");
	CHECK_STR(ev("','.join(['a', 1])"), "error: join: in list, want string, got int");
	CHECK_STR(ev("'ab'.startswith(('x', 'a'))"), "True");
	CHECK_STR(ev("'ab'.endswith('b', 0, 1)"), "False");
	CHECK_STR(ev("list('aé'.codepoints())"), "[\"a\", \"é\"]");
	CHECK_STR(ev("list('aé'.elem_ords())"), "[97, 195, 169]");
	CHECK_STR(ev("list('aé'.codepoint_ords())"), "[97, 233]");
	CHECK_STR(ev("[chr(0x1F63F), ord('😿')]"), "[\"😿\", 128575]");
	CHECK_STR(ev("chr(-1)"), "error: chr: Unicode code point -1 out of range (<0)");
	CHECK_STR(ev("ord('ab')"), "error: ord: string encodes 2 Unicode code points, want 1");
	CHECK_STR(ev("'Apricot'.removeprefix('Apr')"), "\"icot\"");
}

TEST(elems)
{
	CHECK_STR(ev("[type('a'.elems()), type('a'.codepoint_ords()), type(b'a'.elems())]"),
	          "[\"elems\", \"codepoints\", \"bytes.elems\"]");
	CHECK_STR(ev("str('aé'.codepoints())"), "\"\\\"aé\\\".codepoints()\"");
	CHECK_STR(ev("list(b'a\\xff'.elems())"), "[97, 255]");
	/* an invalid byte is its own code point: itself as text, U+FFFD as ord */
	CHECK_STR(ev("[len(x) for x in ('é'[1:] + 'a').codepoints()]"), "[1, 1]");
	CHECK_STR(ev("list(('é'[1:] + 'a').codepoint_ords())"), "[65533, 97]");
	CHECK_STR(ev("sorted(set('banana'.elems()))"), "[\"a\", \"b\", \"n\"]");
	CHECK_STR(ev("'-'.join('abc'.elems())"), "\"a-b-c\"");
}

TEST(universe_misc)
{
	CHECK_STR(ev("[abs(-3), abs(-2.5), bool([]), bool(1)]"), "[3, 2.5, False, True]");
	CHECK_STR(ev("list(range(10, 0, -3))"), "[10, 7, 4, 1]");
	CHECK_STR(ev("range(1, 2, 0)"), "error: range: step argument must not be zero");
	CHECK_STR(ev("enumerate(['a', 'b'], start=5)"), "[(5, \"a\"), (6, \"b\")]");
	CHECK_STR(ev("zip([1, 2, 3], 'ab'.elems())"), "[(1, \"a\"), (2, \"b\")]");
	CHECK_STR(ev("zip([1], 2)"), "error: zip: argument #2 is not iterable: int");
	CHECK_STR(ev("[min([3, 1, 2]), max(3, 1, 2), max(['a', 'bbb', 'cc'], key=len)]"), "[1, 3, \"bbb\"]");
	CHECK_STR(ev("min([])"), "error: min: argument is an empty sequence");
	CHECK_STR(ev("max()"), "error: max requires at least one positional argument");
	CHECK_STR(ev("getattr('abc', 'upper')()"), "\"ABC\"");
	CHECK_STR(ev("getattr('abc', 'nope', 42)"), "42");
	CHECK_STR(ev("[hasattr([], 'append'), hasattr(1, 'x')]"), "[True, False]");
	CHECK_STR(ev("dir([])[:3]"), "[\"append\", \"clear\", \"extend\"]");
	CHECK_STR(ev("[type(1), type(''), str(1.0), repr('a'), str(b'a\\xff')]"),
	          "[\"int\", \"string\", \"1.0\", \"\\\"a\\\"\", \"a\uFFFD\"]");
	CHECK_STR(ev("reversed((1, 2, 3))"), "[3, 2, 1]");
	CHECK_STR(ev("[all([]), any([]), all([1, 0]), any([0, 'x'])]"), "[True, False, False, True]");
	CHECK_STR(ev("dict([('a', 1)], b=2)"), "{\"a\": 1, \"b\": 2}");
	CHECK_STR(ev("dict([1])"), "error: dict: dictionary update sequence element #0 is not iterable (int)");
	CHECK_STR(ev("bytes([65, 66])"), "b\"AB\"");
	CHECK_STR(ev("bytes([256])"), "error: bytes: at index 0, 256 out of range (want value in unsigned 8-bit range)");
	CHECK_STR(ev("hash(b'a')"), "3826002220");
	CHECK_STR(ev("tuple([1, 2])"), "(1, 2)");
	CHECK_STR(ev("list('abc')"), "error: list: for parameter 1: got string, want iterable");
	CHECK_STR(run("fail(1, 'a', sep='/')"), "error: fail: 1/a");
	CHECK_STR(run("fail()"), "error: fail: ");
}

TEST(mutation)
{
	CHECK_STR(run("r = [1, 2]\nr.insert(-10, 0)\nr.insert(10, 3)\nr.extend(r)\n"), "[0, 1, 2, 3, 0, 1, 2, 3]");
	CHECK_STR(run("r = [1, 2, 3]\nr = [r.pop(), r.pop(0), r]\n"), "[3, 1, [2]]");
	CHECK_STR(run("r = []\nr.pop()\n"), "error: pop: index -1 out of range: empty list");
	CHECK_STR(run("r = [1]\nr.remove(2)\n"), "error: remove: element not found");
	CHECK_STR(run("r = [1, 2, 1]\nr = r.index(1, 1)\n"), "2");
	CHECK_STR(run("r = [1]\nfor x in r:\n  r.append(2)\n"), "error: append: cannot append to list during iteration");
	CHECK_STR(run("r = {'a': 1}\nr = [r.pop('a'), r.pop('b', 2), r.setdefault('c', 3), r]\n"),
	          "[1, 2, 3, {\"c\": 3}]");
	CHECK_STR(run("r = {}\nr.popitem()\n"), "error: popitem: empty dict");
	CHECK_STR(run("r = {}\nr.pop('x')\n"), "error: pop: missing key");
	CHECK_STR(run("r = {'a': 1, 'b': 2}\nr = [r.popitem(), r.keys(), r.values(), r.items(), r.get('z')]\n"),
	          "[(\"a\", 1), [\"b\"], [2], [(\"b\", 2)], None]");
	CHECK_STR(run("r = {}\nr.update([('a', 1)], b=2)\n"), "{\"a\": 1, \"b\": 2}");
}

TEST(frozen)
{
	CHECK_STR(run_frozen("fl.append(3)"), "error: append: cannot append to frozen list");
	CHECK_STR(run_frozen("fl.extend([])"), "error: extend: cannot extend frozen list");
	CHECK_STR(run_frozen("fl.insert(0, 1)"), "error: insert: cannot insert into frozen list");
	CHECK_STR(run_frozen("fl.pop()"), "error: pop: cannot pop from frozen list");
	CHECK_STR(run_frozen("fl.remove(1)"), "error: remove: cannot remove from frozen list");
	CHECK_STR(run_frozen("fl.clear()"), "error: clear: cannot clear frozen list");
	CHECK_STR(run_frozen("x = [fl.index(2), fd.get('a'), fd.keys(), 1 in fs, fs.union([2])]"), "ok");
	CHECK_STR(run_frozen("fd.pop('a')"), "error: pop: cannot delete from frozen hash table");
	CHECK_STR(run_frozen("fd.popitem()"), "error: popitem: cannot delete from frozen hash table");
	CHECK_STR(run_frozen("fd.setdefault('z')"), "error: setdefault: cannot insert into frozen hash table");
	CHECK_STR(run_frozen("fd.update(b=1)"), "error: update: cannot insert into frozen hash table");
	CHECK_STR(run_frozen("fd.clear()"), "error: clear: cannot clear frozen hash table");
	CHECK_STR(run_frozen("fs.add(1)"), "error: add: cannot insert into frozen hash table");
	CHECK_STR(run_frozen("fs.discard(7)"), "error: discard: cannot delete from frozen hash table");
	CHECK_STR(run_frozen("fs.remove(1)"), "error: remove: cannot delete from frozen hash table");
	CHECK_STR(run_frozen("fs.pop()"), "error: pop: cannot delete from frozen hash table");
	CHECK_STR(run_frozen("fs.clear()"), "error: clear: cannot clear frozen hash table");
	CHECK_STR(run_frozen("fs.update([2])"), "error: update: cannot insert into frozen hash table");
}

TEST(sets)
{
	CHECK_STR(ev("set([1, 2, 2, 3])"), "set([1, 2, 3])");
	CHECK_STR(ev("set([1, 2]).union([3], (4,))"), "set([1, 2, 3, 4])");
	CHECK_STR(ev("set([1, 2, 3]).difference([2])"), "set([1, 3])");
	CHECK_STR(ev("set([1, 2, 3]).intersection([3, 2, 9])"), "set([3, 2])");
	CHECK_STR(ev("set([1, 2]).symmetric_difference([2, 3])"), "set([1, 3])");
	CHECK_STR(ev("[set([1]).issubset([1, 1, 2]), set([1, 2]).issuperset([2]), set([1, 3]).issubset([1])]"),
	          "[True, True, False]");
	CHECK_STR(run("r = set([1, 2])\nr.add(3)\nr.discard(1)\nr.discard(9)\nr.remove(2)\n"), "set([3])");
	CHECK_STR(run("r = set()\nr.pop()\n"), "error: pop: empty set");
	CHECK_STR(run("r = set([1])\nr.remove(2)\n"), "error: remove: missing key");
	CHECK_STR(ev("set([[1]])"), "error: set: unhashable type: list");
	CHECK_STR(ev("set(1)"), "error: set: for parameter 1: got int, want iterable");
	CHECK_STR(ev("set().union(1)"), "error: union: argument #1 is not iterable: int");
}
