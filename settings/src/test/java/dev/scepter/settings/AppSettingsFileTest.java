package dev.scepter.settings;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** An {@code appsettings.json} that is not JSON: the start-up error names the file, the line and the column. */
class AppSettingsFileTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}: line {2}, column {3}")
    @CsvSource(delimiter = '|', value = {
        // a missing comma between two settings: the error is where the next name begins
        "missing comma    | {\\n  \"AppConfig:BaseUrl\": \"http://ca.example\"\\n  \"AppConfig:CRL:RequestToken\": \"x\"\\n}\\n | 3 | 3",
        // a trailing comma before the closing brace
        "trailing comma   | {\\n  \"AppConfig:BaseUrl\": \"http://ca.example\",\\n}\\n                                        | 3 | 1",
        // a name without quotes, as in a JavaScript object
        "unquoted name    | {\\n  \"AppConfig:BaseUrl\": \"http://ca.example\",\\n  AppConfig:Other: \"y\"\\n}\\n           | 3 | 3",
        // the file ends before the object does
        "unclosed object  | {\\n  \"AppConfig:BaseUrl\": \"http://ca.example\"\\n                                                 | 3 | 1",
        // a second object after the first (two files pasted together): the second would be lost
        "trailing object  | {\\n  \"AppConfig:BaseUrl\": \"http://ca.example\"\\n}\\n{ \"AppConfig:CRL:RequestToken\": \"x\" }  | 4 | 1",
        // text after the object, as when a note is appended
        "trailing text    | {\\n  \"AppConfig:BaseUrl\": \"http://ca.example\"\\n} and more\\n                                     | 3 | 3",
    })
    void notJsonIsReportedWithTheFileTheLineAndTheColumn(String what, String content, int line, int column) throws Exception {
        Path file = dir.resolve("appsettings.json");
        Files.writeString(file, content.strip().replace("\\n", "\n"), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> AppSettingsFile.read(file)).isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(file + " line " + line + ", column " + column + ": not JSON")
                .hasMessageNotContaining("Source:").hasMessageNotContaining("tools.jackson");
    }
}
