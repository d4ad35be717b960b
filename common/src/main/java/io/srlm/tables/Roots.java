package io.srlm.tables;

import io.srlm.errors.Errors;

/**
 * Joins names under a configured root (a local path or a URI) and rejects any name that would escape it: no
 * '..' segments, no absolute components, no schemes. Every table and model path is built here.
 */
public final class Roots {
  private Roots() {}

  public static String under(String root, String... names) {
    StringBuilder sb = new StringBuilder(stripSlash(root));
    for (String n : names) {
      if (n == null || n.isEmpty() || n.startsWith("/") || n.contains("\\") || n.contains(":")) {
        throw Errors.pathEscapesRoot(String.valueOf(n), root);
      }
      for (String seg : n.split("/")) {
        if (seg.equals("..") || seg.equals(".") || seg.isEmpty()) {
          throw Errors.pathEscapesRoot(n, root);
        }
      }
      sb.append('/').append(n);
    }
    return sb.toString();
  }

  static String stripSlash(String root) {
    String r = root;
    while (r.length() > 1 && r.endsWith("/") && !r.endsWith("://")) {
      r = r.substring(0, r.length() - 1);
    }
    return r;
  }
}
