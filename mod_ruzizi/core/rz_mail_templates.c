/* rz_mail_templates.c: the text of every email template (SPEC 8.7), French and English; one entry
 * per template, placeholders as documented in rz_mail.h. */
#include "core/rz_mail.h"

#define SIGN_FR                                                                                    \
    "\nCordialement,\n"                                                                            \
    "L'équipe Ruzizi\n\n"                                                                         \
    "Ce message a été envoyé automatiquement, merci de ne pas y répondre.\n"
#define SIGN_EN                                                                                    \
    "\nKind regards,\n"                                                                            \
    "The Ruzizi team\n\n"                                                                          \
    "This message was sent automatically, please do not reply to it.\n"

/* The stay summary shared by the guest booking emails. */
#define STAY_FR                                                                                    \
    "Code de réservation : {bookingCode}\n"                                                       \
    "Établissement : {establishmentName}\n"                                                       \
    "Hébergement : {accommodationName}\n"                                                         \
    "Arrivée : {checkInDate|date}, à partir de {checkInTime}\n"                                  \
    "Départ : {checkOutDate|date}, avant {checkOutTime}\n"                                        \
    "Nombre de personnes : {numberOfGuests}\n"                                                     \
    "Montant total : {total|money}\n"
#define STAY_EN                                                                                    \
    "Booking code: {bookingCode}\n"                                                                \
    "Establishment: {establishmentName}\n"                                                         \
    "Accommodation: {accommodationName}\n"                                                         \
    "Arrival: {checkInDate|date}, from {checkInTime}\n"                                            \
    "Departure: {checkOutDate|date}, before {checkOutTime}\n"                                      \
    "Number of guests: {numberOfGuests}\n"                                                         \
    "Total amount: {total|money}\n"

#define LOOKUP_FR                                                                                  \
    "\nVous pouvez suivre votre réservation à tout moment à l'adresse suivante :\n{lookupUrl}\n"
#define LOOKUP_EN "\nYou can follow your booking at any time at this address:\n{lookupUrl}\n"

const rz_mail_template_t rz_mail_templates[] = {
    {"booking_received",
     {"Demande de réservation reçue – {bookingCode}", "Booking request received – {bookingCode}"},
     {"Bonjour {guestName},\n\n"
      "Nous avons bien reçu votre demande de réservation et nous vous en remercions. Notre équipe "
      "l'examine et vous écrira dès qu'elle aura été traitée.\n\n" STAY_FR LOOKUP_FR SIGN_FR,
      "Dear {guestName},\n\n"
      "Thank you: we have received your booking request. Our team is reviewing it and will write "
      "to you as soon as it has been handled.\n\n" STAY_EN LOOKUP_EN SIGN_EN}},
    {"booking_accepted",
     {"Réservation acceptée – {bookingCode}", "Booking accepted – {bookingCode}"},
     {"Bonjour {guestName},\n\n"
      "Bonne nouvelle : votre demande de réservation a été acceptée. Elle sera définitivement "
      "confirmée par l'établissement, qui reste à votre disposition pour toute "
      "question.\n\n" STAY_FR LOOKUP_FR SIGN_FR,
      "Dear {guestName},\n\n"
      "Good news: your booking request has been accepted. The establishment will confirm it "
      "shortly and remains at your disposal for any question.\n\n" STAY_EN LOOKUP_EN SIGN_EN}},
    {"booking_confirmed",
     {"Réservation confirmée – {bookingCode}", "Booking confirmed – {bookingCode}"},
     {"Bonjour {guestName},\n\n"
      "Votre réservation est confirmée. Nous nous réjouissons de vous accueillir.\n\n" STAY_FR
          LOOKUP_FR SIGN_FR,
      "Dear {guestName},\n\n"
      "Your booking is confirmed. We look forward to welcoming you.\n\n" STAY_EN LOOKUP_EN
          SIGN_EN}},
    {"booking_cancelled",
     {"Réservation annulée – {bookingCode}", "Booking cancelled – {bookingCode}"},
     {"Bonjour {guestName},\n\n"
      "Nous vous informons que votre réservation {bookingCode} à {establishmentName} "
      "({accommodationName}, du {checkInDate|date} au {checkOutDate|date}) a été annulée."
      "{?reason}\n\nMotif : {reason}{/reason}\n\n"
      "Pour toute question, ou pour faire une nouvelle réservation, n'hésitez pas à contacter "
      "l'établissement.\n" LOOKUP_FR SIGN_FR,
      "Dear {guestName},\n\n"
      "We are sorry to inform you that your booking {bookingCode} at {establishmentName} "
      "({accommodationName}, from {checkInDate|date} to {checkOutDate|date}) has been cancelled."
      "{?reason}\n\nReason: {reason}{/reason}\n\n"
      "If you have any question, or wish to make a new booking, please contact the "
      "establishment.\n" LOOKUP_EN SIGN_EN}},
    {"new_booking",
     {"Nouvelle réservation {bookingCode}", "New booking {bookingCode}"},
     {"Bonjour,\n\n"
      "Une nouvelle réservation a été faite en ligne par {guestName}.\n\n" STAY_FR
      "\nPour l'examiner et y répondre, ouvrez l'espace de gestion :\n{backofficeUrl}\n" SIGN_FR,
      "Hello,\n\n"
      "A new booking has been made online by {guestName}.\n\n" STAY_EN
      "\nTo review it and answer, open the back office:\n{backofficeUrl}\n" SIGN_EN}},
    {"account_created",
     {"Votre compte Ruzizi", "Your Ruzizi account"},
     {"Bonjour {firstName},\n\n"
      "Un compte Ruzizi vient d'être créé pour vous"
      "{?establishmentName} à l'établissement {establishmentName}{/establishmentName}.\n\n"
      "Adresse e-mail de connexion : {email}\n"
      "Rôle : {role|role}\n\n"
      "Pour vous connecter, ouvrez le lien suivant :\n{loginUrl}\n\n"
      "Votre mot de passe initial vous est communiqué par la personne qui a créé votre compte ; "
      "il n'est jamais envoyé par e-mail. Nous vous conseillons de le changer dès votre première "
      "connexion.\n" SIGN_FR,
      "Hello {firstName},\n\n"
      "A Ruzizi account has just been created for you"
      "{?establishmentName} at {establishmentName}{/establishmentName}.\n\n"
      "Sign-in email address: {email}\n"
      "Role: {role|role}\n\n"
      "To sign in, open the following link:\n{loginUrl}\n\n"
      "Your initial password is given to you by the person who created your account; it is never "
      "sent by email. We advise you to change it when you first sign in.\n" SIGN_EN}},
    {"password_reset",
     {"Réinitialisation du mot de passe", "Password reset"},
     {"Bonjour{?firstName} {firstName}{/firstName},\n\n"
      "Nous avons reçu une demande de réinitialisation du mot de passe de votre compte Ruzizi.\n\n"
      "Pour choisir un nouveau mot de passe, ouvrez le lien suivant dans les {validMinutes} "
      "minutes :\n{resetUrl}\n\n"
      "Ce lien ne peut servir qu'une seule fois. Si vous n'êtes pas à l'origine de cette demande, "
      "ignorez simplement ce message : votre mot de passe actuel reste valable.\n" SIGN_FR,
      "Hello{?firstName} {firstName}{/firstName},\n\n"
      "We have received a request to reset the password of your Ruzizi account.\n\n"
      "To choose a new password, open the following link within {validMinutes} minutes:\n"
      "{resetUrl}\n\n"
      "This link can be used only once. If you did not make this request, simply ignore this "
      "message: your current password remains valid.\n" SIGN_EN}},
    {"password_changed",
     {"Mot de passe modifié", "Password changed"},
     {"Bonjour{?firstName} {firstName}{/firstName},\n\n"
      "Le mot de passe de votre compte Ruzizi a été modifié le {at|datetime}, depuis l'adresse IP "
      "{ip}.\n\n"
      "Si vous êtes à l'origine de ce changement, vous n'avez rien à faire. Sinon, contactez sans "
      "attendre votre administrateur afin de sécuriser votre compte.\n" SIGN_FR,
      "Hello{?firstName} {firstName}{/firstName},\n\n"
      "The password of your Ruzizi account was changed on {at|datetime}, from the IP address "
      "{ip}.\n\n"
      "If you made this change, there is nothing to do. Otherwise, please contact your "
      "administrator at once so that your account can be secured.\n" SIGN_EN}},
};

const int rz_mail_ntemplates = (int)(sizeof(rz_mail_templates) / sizeof(rz_mail_templates[0]));
