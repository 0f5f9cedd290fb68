import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stand-in for the Cloud Storage rules runtime that firebase-tools downloads (the download fails
 * offline). It speaks the runtime's JSON-lines protocol on stdin/stdout so the Storage emulator
 * starts, and answers every access check with "deny": storage.rules deny all client access, and
 * the Admin SDK (the only Storage user in this design) bypasses rules altogether.
 */
public final class RulesRuntimeStandIn {
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(-?\\d+)");
  private static final Pattern ACTION = Pattern.compile("\"action\"\\s*:\\s*\"([a-z_]+)\"");

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    out.println("{\"id\":-1,\"status\":\"ok\"}");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      Matcher id = ID.matcher(line);
      Matcher action = ACTION.matcher(line);
      if (!id.find()) {
        continue;
      }
      String kind = action.find() ? action.group(1) : "";
      String result = kind.equals("load_ruleset") ? "{\"rulesVersion\":2}" : "{\"permit\":false}";
      out.println("{\"id\":" + id.group(1) + ",\"status\":\"ok\",\"action\":\"" + kind
          + "\",\"result\":" + result + ",\"errors\":[],\"warnings\":[]}");
    }
  }
}
