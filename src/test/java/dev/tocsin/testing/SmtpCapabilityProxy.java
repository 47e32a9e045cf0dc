package dev.tocsin.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Sits between Tocsin and GreenMail (a real SMTP server that offers neither PIPELINING nor 8BITMIME) and
 * offers those extensions in GreenMail's EHLO reply, so the code paths for servers that do (postfix, most
 * providers) run against a real server. It passes everything else through, refuses RCPT TO for addresses
 * named in {@link #refuse} with a 550 of its own, and records what the client did: the commands in order, and
 * for each MAIL FROM whether its RCPT TO arrived before the server's reply to MAIL went back (a pipelined
 * envelope), and for each RCPT TO the server answered whether DATA came before that reply (DATA pipelined).
 * To make that observable, it holds those replies until the next command arrives or a second has passed.
 */
public final class SmtpCapabilityProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final java.util.function.IntSupplier serverPort;
    private final boolean offerExtensions;
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final List<String> commands = Collections.synchronizedList(new ArrayList<>());
    private final List<Boolean> envelopePipelined = Collections.synchronizedList(new ArrayList<>());
    private final List<Boolean> dataPipelined = Collections.synchronizedList(new ArrayList<>());
    private final List<Boolean> bodyPipelined = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> dropAtEndOfData = ConcurrentHashMap.newKeySet();
    private final Set<String> dropBeforeData = ConcurrentHashMap.newKeySet();

    public SmtpCapabilityProxy(int serverPort, boolean offerExtensions) throws IOException {
        this(() -> serverPort, offerExtensions);
    }

    /** For a server that starts later (asked for its port at each connection). */
    public SmtpCapabilityProxy(java.util.function.IntSupplier serverPort, boolean offerExtensions) throws IOException {
        this.serverPort = serverPort;
        this.offerExtensions = offerExtensions;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "smtp-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** RCPT TO for this address gets "550 5.1.1 no such user" from the proxy; the server never sees it. */
    public void refuse(String address) {
        refused.add(address.toLowerCase());
    }

    /** Client commands as sent, in order (message bodies left out). */
    public List<String> commands() {
        synchronized (commands) {
            return List.copyOf(commands);
        }
    }

    /** Per MAIL FROM: did RCPT TO arrive before the reply to MAIL FROM went back? */
    public List<Boolean> envelopesPipelined() {
        synchronized (envelopePipelined) {
            return List.copyOf(envelopePipelined);
        }
    }

    /**
     * The next time the message for this address has been sent up to its end-of-data line, the proxy closes
     * both connections instead of passing that line on: the server never stores it, the client gets no answer.
     */
    public void dropAtEndOfData(String address) {
        dropAtEndOfData.add(address.toLowerCase());
    }

    /**
     * The next time the client sends DATA for this address, the proxy waits until the server has answered
     * everything before it (so the client knows the fate of every earlier message), then closes both
     * connections instead of passing DATA on: the server stores nothing of that message and the client gets
     * no answer to its DATA.
     */
    public void dropBeforeData(String address) {
        dropBeforeData.add(address.toLowerCase());
    }

    /** Per message the server accepted: did the client's next command arrive before that reply went back? */
    public List<Boolean> bodiesPipelined() {
        synchronized (bodyPipelined) {
            return List.copyOf(bodyPipelined);
        }
    }

    /** Per RCPT TO the server answered: did DATA arrive before that reply went back? */
    public List<Boolean> dataPipelined() {
        synchronized (dataPipelined) {
            return List.copyOf(dataPipelined);
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                new Connection(client, new Socket(InetAddress.getLoopbackAddress(), serverPort.getAsInt())).start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** What the client is owed, in order: the server's reply to a forwarded command, or one of ours. */
    private record Slot(String command, String injected) {
    }

    private final class Connection {
        private final Socket client;
        private final Socket server;
        private final Deque<Slot> slots = new ArrayDeque<>();
        private int commandsSeen;
        /** The server's reply code to the last DATA, once it came back (0 before). */
        private int dataReply;

        Connection(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void start() {
            Thread up = new Thread(this::clientToServer, "smtp-proxy-up");
            Thread down = new Thread(this::serverToClient, "smtp-proxy-down");
            up.setDaemon(true);
            down.setDaemon(true);
            up.start();
            down.start();
        }

        private void clientToServer() {
            try (InputStream in = client.getInputStream(); OutputStream out = server.getOutputStream()) {
                boolean inData = false;
                boolean afterData = false;
                String recipient = "";
                for (byte[] line = readLine(in); line != null; line = readLine(in)) {
                    String text = new String(line, StandardCharsets.UTF_8).strip();
                    if (afterData) {
                        // The body follows only a 354; after a refused DATA this line is the next command.
                        inData = awaitDataReply() == 354;
                        afterData = false;
                    }
                    if (inData) {
                        if (text.equals(".") && dropAtEndOfData.remove(recipient)) {
                            return; // closes both sides: the end of data never reaches the server
                        }
                        out.write(line);
                        if (text.equals(".")) {
                            inData = false;
                            addSlot(new Slot(".", null));
                        }
                        continue;
                    }
                    commands.add(text);
                    String upper = text.toUpperCase();
                    if (upper.startsWith("RCPT TO:")) {
                        recipient = between(text, '<', '>').toLowerCase();
                    }
                    if (upper.startsWith("RCPT TO:") && refused.contains(between(text, '<', '>').toLowerCase())) {
                        addSlot(new Slot(text, "550 5.1.1 <" + between(text, '<', '>') + ">: Recipient address rejected: no such user\r\n"));
                        continue;
                    }
                    if (upper.equals("DATA") && dropBeforeData.remove(recipient)) {
                        awaitAllAnswered();
                        return; // closes both sides
                    }
                    if (upper.equals("DATA")) {
                        synchronized (this) {
                            dataReply = 0; // before it goes out: the reply may come back at once
                        }
                    }
                    addSlot(new Slot(text, null));
                    out.write(line);
                    out.flush();
                    afterData = upper.equals("DATA");
                }
            } catch (IOException | InterruptedException e) {
                // connection over
            } finally {
                closeQuietly();
            }
        }

        private synchronized void awaitAllAnswered() throws InterruptedException {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!slots.isEmpty() && System.nanoTime() < until) {
                wait(20);
            }
        }

        private synchronized int awaitDataReply() throws InterruptedException {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (dataReply == 0 && System.nanoTime() < until) {
                wait(50);
            }
            return dataReply;
        }

        private synchronized void addSlot(Slot slot) throws IOException {
            commandsSeen++;
            if (slot.injected() != null && slots.isEmpty()) {
                // Nothing owed before it: answer at once (a client that waits for each reply).
                OutputStream toClient = client.getOutputStream();
                toClient.write(slot.injected().getBytes(StandardCharsets.US_ASCII));
                toClient.flush();
            } else {
                slots.addLast(slot);
            }
            notifyAll();
        }

        private void serverToClient() {
            try (InputStream in = server.getInputStream(); OutputStream out = client.getOutputStream()) {
                boolean greeted = false;
                for (byte[] line = readLine(in); line != null; line = readLine(in)) {
                    String text = new String(line, StandardCharsets.US_ASCII);
                    boolean last = text.length() < 4 || text.charAt(3) != '-';
                    if (!greeted) {
                        out.write(line);
                        out.flush();
                        greeted = last;
                        continue;
                    }
                    Slot slot = head();
                    String command = slot == null ? "" : slot.command().toUpperCase();
                    if (last && offerExtensions && command.startsWith("EHLO")) {
                        out.write("250-PIPELINING\r\n250-8BITMIME\r\n".getBytes(StandardCharsets.US_ASCII));
                        text = "250 " + text.substring(4);
                        line = text.getBytes(StandardCharsets.US_ASCII);
                    }
                    if (last && command.startsWith("MAIL FROM:")) {
                        envelopePipelined.add(awaitCommandAfter(slot));
                    }
                    if (last && command.startsWith("RCPT TO:")) {
                        dataPipelined.add(awaitCommandAfter(slot));
                    }
                    if (last && command.equals(".")) {
                        bodyPipelined.add(awaitCommandAfter(slot));
                    }
                    if (last && command.equals("DATA")) {
                        synchronized (this) {
                            dataReply = Integer.parseInt(text.substring(0, 3));
                            notifyAll();
                        }
                    }
                    synchronized (this) {
                        out.write(line);
                        if (last) {
                            slots.pollFirst();
                            for (Slot next = slots.peekFirst(); next != null && next.injected() != null; next = slots.peekFirst()) {
                                out.write(next.injected().getBytes(StandardCharsets.US_ASCII));
                                slots.pollFirst();
                            }
                        }
                        out.flush();
                    }
                }
            } catch (IOException | InterruptedException e) {
                // connection over
            } finally {
                closeQuietly();
            }
        }

        private synchronized Slot head() throws InterruptedException {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (slots.isEmpty() && System.nanoTime() < until) {
                wait(100);
            }
            return slots.peekFirst();
        }

        /** Whether another command follows the given one within a second (the client did not wait for a reply). */
        private synchronized boolean awaitCommandAfter(Slot slot) throws InterruptedException {
            int position = commandsSeen - slots.size(); // commands answered before this slot
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (commandsSeen - position < 2 && System.nanoTime() < until) {
                wait(50);
            }
            return commandsSeen - position >= 2;
        }

        private void closeQuietly() {
            try {
                client.close();
                server.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static String between(String text, char open, char close) {
        int from = text.indexOf(open);
        int to = text.indexOf(close, from + 1);
        return from < 0 || to < 0 ? "" : text.substring(from + 1, to);
    }

    /** One line including its CRLF, or null at the end of the stream. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        for (int b = in.read(); b >= 0; b = in.read()) {
            line.write(b);
            if (b == '\n') {
                return line.toByteArray();
            }
        }
        return line.size() == 0 ? null : line.toByteArray();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
