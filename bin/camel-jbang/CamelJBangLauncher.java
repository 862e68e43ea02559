/** The `camel` command of Camel JBang, started from a classpath Maven resolved (no JBang needed). */
public class CamelJBangLauncher {
    public static void main(String[] args) {
        org.apache.camel.dsl.jbang.core.commands.CamelJBangMain.run(args);
    }
}
