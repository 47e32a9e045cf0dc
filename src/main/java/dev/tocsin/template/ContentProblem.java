package dev.tocsin.template;

/** Something a notice is missing, and where: e.g. fr, email.html, consequences, "no section covers it". */
public record ContentProblem(String locale, String part, String element, String problem) {

    @Override
    public String toString() {
        return locale + "/" + part + ": " + element + " - " + problem;
    }
}
