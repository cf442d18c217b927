package io.scanout.convert.internal;

import java.lang.reflect.InvocationTargetException;

/**
 * Loads this package's Vector API classes ({@link VectorRgbToYuv420}, {@link VectorTileHash}) by
 * name. Reflection keeps them, and the {@code jdk.incubator.vector} classes they name, out of their
 * callers' constant pools, so that a JVM without the module never tries to load them.
 */
final class VectorApiClasses {
    private VectorApiClasses() {
    }

    /**
     * A new instance of the class {@code simpleName} of this package, built by its constructor
     * taking {@code parameterTypes}.
     *
     * @throws IllegalStateException when the class does not load (no module) or the constructor fails
     */
    static <T> T newInstance(Class<T> type, String simpleName, Class<?>[] parameterTypes, Object... arguments) {
        try {
            return type.cast(load(simpleName).getDeclaredConstructor(parameterTypes).newInstance(arguments));
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException(simpleName + " did not load", e);
        }
    }

    /** What the static, argument-less {@code method} of the class {@code simpleName} returns; false when it does not load. */
    static boolean test(String simpleName, String method) {
        try {
            return (Boolean) load(simpleName).getDeclaredMethod(method).invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return false;
        }
    }

    private static Class<?> load(String simpleName) throws ClassNotFoundException {
        return Class.forName(VectorApiClasses.class.getPackageName() + "." + simpleName);
    }
}
