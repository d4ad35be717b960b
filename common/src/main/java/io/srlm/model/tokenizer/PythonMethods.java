package io.srlm.model.tokenizer;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python string and dict methods that HF chat templates call and jinjava lacks (jinjava calls Java methods, so
 * {@code 'x'.strip()} happens to work but {@code .startswith()}, {@code .upper()}, {@code .lstrip()} or
 * {@code d.get(k, default)} do not). Placed before jinjava's own resolvers; anything not listed here falls through to
 * them.
 *
 * <p>Strings: {@code strip/lstrip/rstrip([chars])}, {@code upper()}, {@code lower()}, {@code title()},
 * {@code capitalize()}, {@code startswith(x)} and {@code endswith(x)} (x a string or a list of strings),
 * {@code split([sep[, maxsplit]])}, {@code replace(old, new[, count])}, {@code find(sub)}, {@code count(sub)},
 * {@code join(items)}. Dicts: {@code get(key[, default])}, {@code keys()}.
 */
final class PythonMethods extends ELResolver {

  @Override
  public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
    if (!(method instanceof String name)) {
      return null;
    }
    Object[] args = params == null ? new Object[0] : params;
    Object result;
    if (base instanceof String s) {
      result = stringMethod(s, name, args);
    } else if (base instanceof Map<?, ?> map) {
      result = mapMethod(map, name, args);
    } else {
      result = NOT_HANDLED;
    }
    if (result == NOT_HANDLED) {
      return null;
    }
    context.setPropertyResolved(true);
    return result;
  }

  /** Marks "not a method handled here" (a method may legitimately return null). */
  private static final Object NOT_HANDLED = new Object();

  private static Object stringMethod(String s, String name, Object[] args) {
    int n = args.length;
    switch (name) {
      case "strip":
      case "lstrip":
      case "rstrip":
        if (n > 1 || (n == 1 && args[0] != null && !(args[0] instanceof String))) {
          return NOT_HANDLED;
        }
        String chars = n == 1 ? (String) args[0] : null;
        return strip(s, chars, !name.equals("rstrip"), !name.equals("lstrip"));
      case "upper":
        return n == 0 ? s.toUpperCase(java.util.Locale.ROOT) : NOT_HANDLED;
      case "lower":
        return n == 0 ? s.toLowerCase(java.util.Locale.ROOT) : NOT_HANDLED;
      case "title":
        return n == 0 ? title(s) : NOT_HANDLED;
      case "capitalize":
        return n == 0 ? (s.isEmpty() ? s : s.substring(0, 1).toUpperCase(java.util.Locale.ROOT)
            + s.substring(1).toLowerCase(java.util.Locale.ROOT)) : NOT_HANDLED;
      case "startswith":
      case "endswith":
        return n == 1 ? affix(s, args[0], name.equals("startswith")) : NOT_HANDLED;
      case "split":
        if (n > 2 || (n >= 1 && args[0] != null && !(args[0] instanceof String))
            || (n == 2 && !(args[1] instanceof Number))) {
          return NOT_HANDLED;
        }
        return split(s, n >= 1 ? (String) args[0] : null, n == 2 ? ((Number) args[1]).intValue() : -1);
      case "replace":
        if ((n == 2 || n == 3) && args[0] instanceof String old && args[1] instanceof String neu
            && (n == 2 || args[2] instanceof Number)) {
          return replace(s, old, neu, n == 3 ? ((Number) args[2]).intValue() : -1);
        }
        return NOT_HANDLED;
      case "find":
        return n == 1 && args[0] instanceof String sub ? (long) s.indexOf(sub) : NOT_HANDLED;
      case "count":
        return n == 1 && args[0] instanceof String sub ? count(s, sub) : NOT_HANDLED;
      case "join":
        return n == 1 && args[0] instanceof Iterable<?> items ? join(s, items) : NOT_HANDLED;
      default:
        return NOT_HANDLED;
    }
  }

  private static Object mapMethod(Map<?, ?> map, String name, Object[] args) {
    if (name.equals("get") && (args.length == 1 || args.length == 2)) {
      Object v = map.get(args[0]);
      return v != null || map.containsKey(args[0]) ? v : (args.length == 2 ? args[1] : null);
    }
    if (name.equals("keys") && args.length == 0) {
      return new ArrayList<>(map.keySet());
    }
    return NOT_HANDLED;
  }

  /** Python's {@code str.isspace()} for one character. */
  private static boolean isSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  private static String strip(String s, String chars, boolean left, boolean right) {
    int start = 0;
    int end = s.length();
    while (left && start < end && stripped(s.charAt(start), chars)) {
      start++;
    }
    while (right && end > start && stripped(s.charAt(end - 1), chars)) {
      end--;
    }
    return s.substring(start, end);
  }

  private static boolean stripped(char c, String chars) {
    return chars == null ? isSpace(c) : chars.indexOf(c) >= 0;
  }

  private static String title(String s) {
    StringBuilder out = new StringBuilder(s.length());
    boolean previousCased = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out.append(previousCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
      previousCased = Character.isLetter(c);
    }
    return out.toString();
  }

  private static Object affix(String s, Object arg, boolean prefix) {
    if (arg instanceof String a) {
      return prefix ? s.startsWith(a) : s.endsWith(a);
    }
    if (arg instanceof Iterable<?> options) {
      for (Object o : options) {
        if (o instanceof String a && (prefix ? s.startsWith(a) : s.endsWith(a))) {
          return true;
        }
      }
      return false;
    }
    return NOT_HANDLED;
  }

  private static List<String> split(String s, String sep, int maxsplit) {
    List<String> out = new ArrayList<>();
    if (sep == null) {
      int i = 0;
      while (i < s.length()) {
        while (i < s.length() && isSpace(s.charAt(i))) {
          i++;
        }
        if (i == s.length()) {
          break;
        }
        if (maxsplit >= 0 && out.size() == maxsplit) {
          out.add(strip(s.substring(i), null, false, true));
          break;
        }
        int start = i;
        while (i < s.length() && !isSpace(s.charAt(i))) {
          i++;
        }
        out.add(s.substring(start, i));
      }
      return out;
    }
    if (sep.isEmpty()) {
      throw new IllegalArgumentException("split(): empty separator");
    }
    int start = 0;
    int at;
    while ((maxsplit < 0 || out.size() < maxsplit) && (at = s.indexOf(sep, start)) >= 0) {
      out.add(s.substring(start, at));
      start = at + sep.length();
    }
    out.add(s.substring(start));
    return out;
  }

  private static String replace(String s, String old, String neu, int count) {
    if (count < 0) {
      return s.replace(old, neu);
    }
    StringBuilder out = new StringBuilder();
    int start = 0;
    int done = 0;
    int at;
    while (done < count && !old.isEmpty() && (at = s.indexOf(old, start)) >= 0) {
      out.append(s, start, at).append(neu);
      start = at + old.length();
      done++;
    }
    return out.append(s.substring(start)).toString();
  }

  private static long count(String s, String sub) {
    if (sub.isEmpty()) {
      return s.length() + 1L;
    }
    long n = 0;
    int at = s.indexOf(sub);
    while (at >= 0) {
      n++;
      at = s.indexOf(sub, at + sub.length());
    }
    return n;
  }

  private static String join(String sep, Iterable<?> items) {
    StringBuilder out = new StringBuilder();
    boolean first = true;
    for (Object o : items) {
      if (!first) {
        out.append(sep);
      }
      out.append(o);
      first = false;
    }
    return out.toString();
  }

  @Override
  public Object getValue(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public Class<?> getType(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public void setValue(ELContext context, Object base, Object property, Object value) {
    // Not a property resolver: leaves the property unresolved for the next resolver.
  }

  @Override
  public boolean isReadOnly(ELContext context, Object base, Object property) {
    return true;
  }

  @Override
  public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
    return null;
  }

  @Override
  public Class<?> getCommonPropertyType(ELContext context, Object base) {
    return null;
  }
}
