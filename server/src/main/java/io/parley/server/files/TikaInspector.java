package io.parley.server.files;

import io.parley.core.files.FileInspector;
import org.apache.tika.Tika;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Set;

/**
 * What a file is, from its bytes (Apache Tika's magic-number detector; the name only breaks ties the bytes
 * leave open, such as plain text versus CSV), and a thumbnail when it is an image the JDK decodes (PNG,
 * JPEG, GIF, BMP). Images are measured before they are decoded: one over {@link #MAX_PIXELS} gets no
 * thumbnail, and large ones are decoded subsampled, so a decompression bomb costs neither memory nor time.
 */
public final class TikaInspector implements FileInspector {
    /** Largest image (in pixels) Parley decodes for a thumbnail. */
    static final long MAX_PIXELS = 50_000_000L;
    private static final Set<String> DECODABLE = Set.of("image/png", "image/jpeg", "image/gif", "image/bmp");

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private final Tika tika = new Tika();

    @Override
    public Inspection inspect(Source bytes, String name) throws IOException {
        String type;
        try (InputStream in = bytes.open()) {
            type = tika.detect(in, name);
        }
        if (!DECODABLE.contains(type)) return new Inspection(type, null, null, null);
        try (InputStream in = bytes.open(); ImageInputStream iis = ImageIO.createImageInputStream(in)) {
            if (iis == null) return new Inspection(type, null, null, null);
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) return new Inspection(type, null, null, null);
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                int w = reader.getWidth(0), h = reader.getHeight(0);
                if (w <= 0 || h <= 0 || (long) w * h > MAX_PIXELS) return new Inspection(type, null, null, null);
                ImageReadParam param = reader.getDefaultReadParam();
                int step = Math.max(1, Math.max(w, h) / (THUMBNAIL_EDGE * 2)); // decode at about twice the thumbnail size
                param.setSourceSubsampling(step, step, 0, 0);
                BufferedImage image = reader.read(0, param);
                return new Inspection(type, w, h, thumbnail(image));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return new Inspection(type, null, null, null); // a broken image is still a file; it just has no thumbnail
        }
    }

    private static byte[] thumbnail(BufferedImage src) throws IOException {
        double scale = Math.min(1.0, (double) THUMBNAIL_EDGE / Math.max(src.getWidth(), src.getHeight()));
        int tw = Math.max(1, (int) Math.round(src.getWidth() * scale));
        int th = Math.max(1, (int) Math.round(src.getHeight() * scale));
        BufferedImage out = new BufferedImage(tw, th, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src, 0, 0, tw, th, null);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(out, "png", png);
        return png.toByteArray();
    }
}
