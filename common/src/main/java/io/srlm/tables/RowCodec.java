package io.srlm.tables;

import io.srlm.util.Nullable;
import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * Maps a row record to a Spark schema and back. Column names are the record components in snake_case; columns
 * are NOT NULL unless the component is a primitive-free type marked {@link Nullable}. Supported component types:
 * String, int, long, double, boolean (and their boxes), List&lt;String&gt;, Map&lt;String, Long|Double|String&gt;.
 */
public final class RowCodec<T extends Record> implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Class<T> type;
  private final StructType schema;
  private transient RecordComponent[] components;
  private transient Constructor<T> ctor;

  public RowCodec(Class<T> type) {
    this.type = type;
    List<StructField> fields = new ArrayList<>();
    for (RecordComponent c : type.getRecordComponents()) {
      boolean nullable = c.isAnnotationPresent(Nullable.class);
      if (nullable && c.getType().isPrimitive()) {
        throw new IllegalArgumentException(type.getSimpleName() + "." + c.getName() + ": primitives cannot be null");
      }
      fields.add(DataTypes.createStructField(snake(c.getName()), sparkType(c.getGenericType(), type, c.getName()),
          nullable));
    }
    this.schema = DataTypes.createStructType(fields);
  }

  public Class<T> type() {
    return type;
  }

  public StructType schema() {
    return schema;
  }

  public Row toRow(T value) {
    RecordComponent[] cs = components();
    Object[] out = new Object[cs.length];
    for (int i = 0; i < cs.length; i++) {
      Object v;
      try {
        v = cs[i].getAccessor().invoke(value);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
      if (v == null && !schema.fields()[i].nullable()) {
        throw new IllegalArgumentException(
            "Row " + type.getSimpleName() + " has null in NOT NULL column " + schema.fields()[i].name());
      }
      if (v instanceof List<?> l) {
        v = JavaConverters.asScalaBuffer(new ArrayList<>(l)).toList();
      }
      out[i] = v;
    }
    return RowFactory.create(out);
  }

  public T fromRow(Row row) {
    RecordComponent[] cs = components();
    Object[] args = new Object[cs.length];
    for (int i = 0; i < cs.length; i++) {
      int idx = row.fieldIndex(schema.fields()[i].name());
      if (row.isNullAt(idx)) {
        args[i] = null;
        continue;
      }
      Class<?> t = cs[i].getType();
      if (List.class.isAssignableFrom(t)) {
        args[i] = List.copyOf(row.getList(idx));
      } else if (Map.class.isAssignableFrom(t)) {
        args[i] = new LinkedHashMap<>(row.getJavaMap(idx));
      } else {
        args[i] = row.get(idx);
      }
    }
    try {
      return ctor().newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + type.getSimpleName() + " from " + row, e);
    }
  }

  private RecordComponent[] components() {
    if (components == null) {
      components = type.getRecordComponents();
    }
    return components;
  }

  private Constructor<T> ctor() {
    if (ctor == null) {
      RecordComponent[] cs = components();
      Class<?>[] types = new Class<?>[cs.length];
      for (int i = 0; i < cs.length; i++) {
        types[i] = cs[i].getType();
      }
      try {
        ctor = type.getDeclaredConstructor(types);
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException(e);
      }
    }
    return ctor;
  }

  static String snake(String camel) {
    StringBuilder sb = new StringBuilder();
    for (char ch : camel.toCharArray()) {
      if (Character.isUpperCase(ch)) {
        sb.append('_').append(Character.toLowerCase(ch));
      } else {
        sb.append(ch);
      }
    }
    return sb.toString();
  }

  private static DataType sparkType(Type t, Class<?> owner, String name) {
    if (t == String.class) {
      return DataTypes.StringType;
    } else if (t == int.class || t == Integer.class) {
      return DataTypes.IntegerType;
    } else if (t == long.class || t == Long.class) {
      return DataTypes.LongType;
    } else if (t == double.class || t == Double.class) {
      return DataTypes.DoubleType;
    } else if (t == boolean.class || t == Boolean.class) {
      return DataTypes.BooleanType;
    } else if (t instanceof ParameterizedType p) {
      Type raw = p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (raw == List.class && args[0] == String.class) {
        return DataTypes.createArrayType(DataTypes.StringType, false);
      }
      if (raw == Map.class && args[0] == String.class) {
        return DataTypes.createMapType(DataTypes.StringType, sparkType(args[1], owner, name), false);
      }
    }
    throw new IllegalArgumentException("unsupported column type " + t + " in " + owner.getSimpleName() + "." + name);
  }
}
