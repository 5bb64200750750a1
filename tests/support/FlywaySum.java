// The checksum Flyway records of a migration file, for the tests to compare
// with migrate-apply's: the file read as UTF-8 line by line with Java's own
// BufferedReader (LF, CR and CRLF all end a line), a BOM dropped from the
// first line, each line's bytes without its line end fed to java.util.zip's
// CRC32, the result as a signed 32-bit integer.
// Run: java tests/support/FlywaySum.java FILE...
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

public class FlywaySum {
	public static void main(String[] args) throws Exception {
		for (String f : args) {
			CRC32 crc = new CRC32();
			try (BufferedReader r = Files.newBufferedReader(Path.of(f), StandardCharsets.UTF_8)) {
				boolean first = true;
				for (String line; (line = r.readLine()) != null; first = false) {
					if (first && line.startsWith("\uFEFF"))
						line = line.substring(1);
					crc.update(line.getBytes(StandardCharsets.UTF_8));
				}
			}
			System.out.println((int) crc.getValue());
		}
	}
}
