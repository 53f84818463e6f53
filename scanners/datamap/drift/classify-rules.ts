/**
 * The classifier's rules as data: which words name which fideslang 2.x data category, which
 * words may follow them, and which column types fit. Checked against fideslang's published default
 * taxonomy (src/fideslang/default_taxonomy/data_categories.py): every key below is in it with
 * `version_added` 2.0.0. Where 3.2 renamed a key (user.health_and_medical → user.health,
 * user.biometric → user.biometrics) the 2.x key is used, as the data maps vigil reads are 2.x.
 *
 * Rules are tried in order; the first that accepts a name wins, so specific rules come before
 * general ones (`ip address` before `address`, `user name` before `name`, `device id` and
 * `session id` before `user id`).
 */
import type { Classification } from '../types.js';
import type { TypeClass } from './tokens.js';

type Confidence = Classification['confidence'];

export interface ClassifyRule {
  category: string;
  /** Confidence when the name is found with qualifiers around it (`billing_email`). */
  confidence: Confidence;
  /** Confidence when the name is exactly the phrase (`email`); defaults to `confidence`. */
  alone?: Confidence;
  /** Space-separated words, each phrase a way of naming the category: `first name`, `firstname`. */
  phrases: string[];
  /** Phrases that count only as the whole name (`sid`, `pan`, `long`): as a part of a longer name they mean other things. */
  exact?: string[];
  /** Words that may follow the phrase (besides COMMON_AFTER and numbers): `address` after `email`. */
  after?: string[];
  /**
   * For general words (`name`, `address`, `location`): the word right before the phrase must be
   * one of these (`file_name` is not a person's name). A name the phrase starts counts only when
   * `alone` is set (`name` alone: low; `state` alone: not a place).
   */
  before?: string[];
  /** Words before the phrase that make it certain (`billing_city`): confidence rises to high. */
  strongBefore?: string[];
  /** Type classes the values may have; `unknown` always fits. Default: text and json. */
  types?: TypeClass[];
  /** Type classes that confirm the rule: confidence rises to high. */
  confirm?: TypeClass[];
  /** True when a flag is itself the data (`is_pregnant`, `has_diabetes`): boolean types and is_/has_ names count. */
  flags?: boolean;
}

/** Words that may follow any phrase without changing what the value is: `email_hash`, `phone_primary`, `ssn_encrypted`. */
export const COMMON_AFTER: ReadonlySet<string> = new Set([
  'value', 'val', 'raw', 'plain', 'plaintext', 'encrypted', 'enc', 'encrypt', 'cipher', 'ciphertext', 'crypt',
  'hash', 'hashed', 'digest', 'masked', 'redacted', 'text', 'str', 'string', 'primary', 'secondary', 'main',
  'alt', 'alternate', 'alternative', 'backup', 'other', 'normalized', 'normalised', 'canonical', 'lower',
  'lowercase', 'formatted', 'data', 'info', 'details', 'original', 'new', 'old', 'previous', 'prev', 'current',
  'unverified', 'pending', 'tmp', 'temp', 'clean',
]);

/**
 * Words that, leading a name, make it a flag, a count or a limit about the thing rather than the
 * thing itself: `is_email`, `has_phone`, `num_emails`, `max_age`.
 */
export const FLAG_PREFIXES: ReadonlySet<string> = new Set([
  'is', 'has', 'have', 'can', 'should', 'must', 'allow', 'allows', 'enable', 'enabled', 'disable', 'disabled',
  'need', 'needs', 'require', 'requires', 'show', 'hide', 'use', 'uses', 'send', 'skip', 'want', 'wants', 'opt',
  'opted', 'no', 'num', 'count', 'total', 'max', 'min', 'n',
]);

const ADDRESS_QUALIFIERS = [
  'home', 'billing', 'shipping', 'mailing', 'postal', 'delivery', 'residential', 'residence', 'physical',
  'permanent', 'customer', 'user', 'contact', 'primary', 'work', 'street', 'full', 'legal', 'registered', 'address',
  'personal', 'member', 'patient', 'employee', 'private', 'invoice', 'ship', 'bill',
];

const PERSON_QUALIFIERS = [
  'full', 'middle', 'legal', 'display', 'real', 'preferred', 'person', 'customer', 'contact', 'holder', 'cardholder',
  'recipient', 'billing', 'shipping', 'patient', 'employee', 'member', 'guardian', 'parent', 'emergency', 'client',
  'buyer', 'applicant', 'candidate', 'student', 'beneficiary', 'signer', 'signatory', 'spouse', 'mother', 'father',
  'child', 'traveler', 'traveller', 'passenger', 'driver', 'tenant', 'owner', 'subscriber', 'account', 'official',
  'birth', 'maiden', 'given', 'family', 'sender', 'attendee', 'guest', 'visitor', 'volunteer', 'donor', 'lead',
];

const ID_AFTER = ['id', 'uuid', 'key', 'token', 'identifier', 'ref', 'reference', 'hash'];

/** The rules, most specific first. */
export const CLASSIFY_RULES: readonly ClassifyRule[] = [
  // --- sessions and cookies, before credentials (a session token is a cookie's value)
  {
    category: 'user.device.cookie_id',
    confidence: 'high',
    phrases: ['session id', 'sessionid', 'session token', 'session key', 'cookie id', 'cookieid', 'cookie', 'remember token', 'remember me token', 'session cookie'],
    exact: ['sid', 'session'],
    alone: 'high',
    after: ['id', 'token', 'key', 'value'],
    types: ['text', 'uuid', 'binary', 'json'],
  },
  // --- credentials
  {
    category: 'user.authorization.credentials',
    confidence: 'high',
    phrases: [
      'password', 'passwd', 'passcode', 'passphrase', 'passwordhash', 'password digest', 'pin hash', 'pin code',
      'otp secret', 'totp secret', 'mfa secret', 'two factor secret', 'otp', 'totp', 'recovery codes', 'backup codes',
      'api key', 'apikey', 'api token', 'access token', 'refresh token', 'auth token', 'id token', 'reset token',
      'recovery token', 'confirmation token', 'security answer', 'secret answer', 'webauthn credential',
    ],
    exact: ['pwd', 'pin'],
    after: ['hash', 'hashed', 'digest', 'salt', 'token', 'secret', 'key', 'bcrypt', 'argon', 'scrypt', 'pbkdf', 'sha', 'md', 'codes', 'code', 'ciphertext'],
    types: ['text', 'binary', 'json'],
  },
  // --- network and device identifiers
  {
    category: 'user.device.ip_address',
    confidence: 'high',
    phrases: ['ip', 'ip address', 'ipaddress', 'ip addr', 'ipaddr', 'ipv 4', 'ipv 6', 'remote addr', 'remote address', 'remote ip', 'client ip', 'forwarded for', 'x forwarded for', 'source ip', 'origin ip', 'user ip'],
    after: ['address', 'addr', 'v'],
    types: ['text', 'inet', 'number', 'binary'],
    confirm: ['inet'],
  },
  {
    category: 'user.device.device_id',
    confidence: 'high',
    phrases: [
      'device id', 'deviceid', 'device token', 'device uuid', 'push token', 'fcm token', 'apns token', 'gcm token',
      'idfa', 'idfv', 'gaid', 'aaid', 'adid', 'advertising id', 'advertiser id', 'ad id', 'android id', 'imei', 'imsi',
      'udid', 'mac address', 'mac addr', 'macaddress', 'device fingerprint', 'browser fingerprint', 'hardware id',
      'installation id', 'install id', 'push subscription',
    ],
    after: ['id', 'uuid', 'token', 'address'],
    types: ['text', 'uuid', 'binary', 'mac', 'json'],
    confirm: ['mac'],
  },
  {
    category: 'user.device',
    confidence: 'medium',
    phrases: ['user agent', 'useragent', 'browser agent'],
    exact: ['ua'],
    after: ['string', 'header'],
  },
  // --- contact
  {
    category: 'user.contact.email',
    confidence: 'high',
    phrases: ['email', 'e mail', 'emailaddress', 'mail address', 'email addr'],
    exact: ['mail'],
    // Supabase's auth.users.email_change holds the new address until it is confirmed
    after: ['address', 'addr', 'addresses', 'change'],
    types: ['text', 'json', 'binary'],
  },
  {
    category: 'user.contact.fax_number',
    confidence: 'high',
    phrases: ['fax', 'fax number', 'facsimile'],
    after: ['number', 'no', 'num', 'nr', 'nbr'],
    types: ['text', 'number', 'json'],
  },
  {
    category: 'user.contact.phone_number',
    confidence: 'high',
    phrases: ['phone', 'phone number', 'phonenumber', 'telephone', 'tel', 'mobile number', 'mobile phone', 'cell phone', 'cellphone', 'cell number', 'msisdn', 'sms number', 'whatsapp number', 'contact number'],
    exact: ['mobile', 'cell'],
    after: ['number', 'no', 'num', 'nr', 'nbr', 'e', 'international', 'national', 'ext', 'extension', 'home', 'work', 'mobile', 'cell', 'change'],
    types: ['text', 'number', 'json', 'binary'],
  },
  // --- names and accounts
  {
    category: 'user.name.first',
    confidence: 'high',
    phrases: ['first name', 'firstname', 'given name', 'givenname', 'forename', 'fname'],
    after: ['kana', 'latin', 'local', 'native'],
    types: ['text', 'json', 'binary'],
  },
  {
    category: 'user.name.last',
    confidence: 'high',
    phrases: ['last name', 'lastname', 'surname', 'family name', 'familyname', 'lname', 'maiden name'],
    after: ['kana', 'latin', 'local', 'native'],
    types: ['text', 'json', 'binary'],
  },
  {
    category: 'user.account.username',
    confidence: 'high',
    phrases: ['username', 'user name', 'login name', 'screen name', 'screenname', 'nickname', 'nick name', 'user login', 'userlogin'],
    exact: ['login', 'handle', 'nick'],
    types: ['text'],
  },
  {
    category: 'user.name',
    confidence: 'high',
    phrases: ['fullname', 'full name', 'legal name', 'middle name', 'real name', 'birth name', 'person name', 'customer name', 'patient name', 'cardholder name', 'card holder name', 'account holder name', 'recipient name'],
    after: ['kana', 'latin', 'local', 'native'],
    types: ['text', 'json', 'binary'],
  },
  {
    category: 'user.name',
    confidence: 'medium',
    alone: 'low',
    phrases: ['name'],
    before: PERSON_QUALIFIERS,
    after: ['kana', 'latin', 'local', 'native'],
    types: ['text', 'json', 'binary'],
  },
  // --- government ids (before dates: a birth certificate is not a birth date)
  {
    category: 'user.government_id.birth_certificate',
    confidence: 'high',
    phrases: ['birth certificate', 'birth cert'],
    after: ['number', 'no', 'num', 'nr', 'id'],
    types: ['text', 'number', 'binary', 'json'],
  },
  {
    category: 'user.government_id.passport_number',
    confidence: 'high',
    phrases: ['passport', 'passport number', 'passport no', 'passport id'],
    after: ['number', 'no', 'num', 'nr', 'id'],
    types: ['text', 'number', 'binary', 'json'],
  },
  {
    category: 'user.government_id.drivers_license_number',
    confidence: 'high',
    alone: 'high',
    phrases: [
      'drivers license', 'driver license', 'driving license', 'drivers licence', 'driver licence', 'driving licence',
      'driver s license', 'driver s licence', 'dl number', 'driving permit',
    ],
    after: ['number', 'no', 'num', 'nr', 'id'],
    types: ['text', 'number', 'binary', 'json'],
  },
  {
    category: 'user.government_id.vehicle_registration',
    confidence: 'high',
    phrases: ['license plate', 'licence plate', 'number plate', 'plate number', 'vehicle registration', 'registration plate'],
    after: ['number', 'no', 'num', 'nr'],
    types: ['text', 'binary'],
  },
  {
    category: 'user.government_id.immigration',
    confidence: 'high',
    phrases: ['visa number', 'immigration status', 'immigration number', 'residence permit', 'alien number', 'alien registration number', 'green card', 'work permit'],
    after: ['number', 'no', 'num', 'nr', 'id', 'status'],
    types: ['text', 'number', 'binary', 'json'],
  },
  {
    category: 'user.government_id.national_identification_number',
    confidence: 'high',
    phrases: [
      'ssn', 'social security', 'social security number', 'national id', 'national identification number',
      'national identity number', 'national insurance number', 'national number', 'nino', 'tax id', 'taxpayer id',
      'tax number', 'tax identification number', 'personal identification number', 'personal id number', 'personnummer',
      'bsn', 'cpf', 'nric', 'aadhaar', 'aadhar', 'id card number', 'identity card', 'identity number', 'government id',
      'gov id', 'itin',
    ],
    exact: ['sin', 'tin', 'nin'],
    after: ['number', 'no', 'num', 'nr', 'id', 'last', 'four'],
    types: ['text', 'number', 'binary', 'json'],
  },
  // --- dates of birth and age
  {
    category: 'user.demographic.date_of_birth',
    confidence: 'high',
    phrases: ['date of birth', 'dob', 'birth date', 'birthdate', 'birthday', 'birth day', 'born on', 'birth year', 'year of birth', 'birth month', 'day of birth', 'birth dt'],
    types: ['text', 'date', 'time', 'number', 'json', 'binary'],
    confirm: ['date'],
  },
  {
    category: 'user.demographic.age_range',
    confidence: 'medium',
    alone: 'medium',
    phrases: ['age', 'age range', 'age group', 'age bracket', 'age band', 'agerange', 'agegroup'],
    before: ['user', 'customer', 'patient', 'member', 'person', 'applicant', 'reported', 'declared', 'stated', 'self', 'child', 'student', 'player', 'age'],
    after: ['range', 'group', 'bracket', 'band', 'years', 'yrs'],
    types: ['text', 'number', 'json'],
  },
  // --- demographics the GDPR calls special categories, and gender
  {
    category: 'user.demographic.gender',
    confidence: 'high',
    phrases: ['gender', 'gender identity', 'sex', 'pronouns', 'pronoun'],
    after: ['identity', 'code'],
    types: ['text', 'number', 'json'],
  },
  {
    category: 'user.demographic.race_ethnicity',
    confidence: 'high',
    phrases: ['ethnicity', 'ethnic origin', 'ethnic group', 'ethnic background', 'racial origin'],
    exact: ['race'],
    types: ['text', 'number', 'json'],
  },
  { category: 'user.demographic.religious_belief', confidence: 'high', phrases: ['religion', 'religious belief', 'religious affiliation', 'faith'], types: ['text', 'number', 'json'] },
  { category: 'user.demographic.sexual_orientation', confidence: 'high', phrases: ['sexual orientation', 'sexuality'], types: ['text', 'number', 'json'] },
  { category: 'user.demographic.political_opinion', confidence: 'high', phrases: ['political opinion', 'political opinions', 'political affiliation', 'political party', 'party affiliation', 'political view', 'political views'], types: ['text', 'number', 'json'] },
  { category: 'user.demographic.marital_status', confidence: 'high', phrases: ['marital status', 'civil status', 'marital'], types: ['text', 'number', 'json'] },
  { category: 'user.criminal_history', confidence: 'high', phrases: ['criminal record', 'criminal records', 'criminal history', 'conviction', 'convictions', 'criminal background'], types: ['text', 'json', 'bool'], flags: true },
  // --- addresses (email, ip and mac addresses were taken above)
  {
    category: 'user.contact.address.street',
    confidence: 'high',
    phrases: ['street', 'street address', 'street name', 'address line', 'addr line', 'address 1', 'address 2', 'address 3', 'addressline', 'house number', 'street number', 'apartment number', 'apt number'],
    exact: ['line 1', 'line 2', 'apt'],
    after: ['line', 'name', 'number', 'no', 'nr'],
    types: ['text', 'json', 'binary'],
  },
  {
    category: 'user.contact.address.postal_code',
    confidence: 'high',
    phrases: ['postal code', 'postalcode', 'postcode', 'post code', 'zip code', 'zipcode', 'zip postal code'],
    after: ['plus', 'ext'],
    types: ['text', 'number', 'json'],
  },
  {
    // a bare `zip` is a postal code more often than not, but not always (a zip archive)
    category: 'user.contact.address.postal_code',
    confidence: 'medium',
    phrases: ['zip'],
    strongBefore: ADDRESS_QUALIFIERS,
    after: ['plus', 'ext'],
    types: ['text', 'number', 'json'],
  },
  {
    category: 'user.contact.address.city',
    confidence: 'medium',
    phrases: ['city', 'town', 'city name', 'locality'],
    strongBefore: ADDRESS_QUALIFIERS,
    after: ['name'],
    types: ['text', 'json'],
  },
  {
    category: 'user.contact.address.state',
    confidence: 'medium',
    phrases: ['province', 'state province', 'state or province', 'county', 'prefecture'],
    strongBefore: ADDRESS_QUALIFIERS,
    after: ['code', 'name'],
    types: ['text', 'json'],
  },
  {
    // `state` alone is more often a status (orders.state) than a place: it counts only qualified
    category: 'user.contact.address.state',
    confidence: 'high',
    phrases: ['state'],
    before: ADDRESS_QUALIFIERS,
    after: ['code', 'name', 'province'],
    types: ['text', 'json'],
  },
  {
    category: 'user.contact.address.country',
    confidence: 'medium',
    alone: 'low',
    phrases: ['country', 'country code', 'country name', 'country of residence', 'residence country', 'countrycode'],
    strongBefore: ADDRESS_QUALIFIERS,
    after: ['code', 'name', 'iso', 'alpha'],
    types: ['text', 'number', 'json'],
  },
  {
    category: 'user.contact.address',
    confidence: 'high',
    phrases: ['mailing address', 'postal address', 'home address', 'billing address', 'shipping address', 'delivery address', 'residential address', 'physical address', 'full address', 'mailingaddress'],
    types: ['text', 'json', 'binary'],
  },
  {
    // email, ip and mac addresses were taken above; a wallet or server address is no one's home
    category: 'user.contact.address',
    confidence: 'high',
    alone: 'medium',
    phrases: ['address'],
    before: ADDRESS_QUALIFIERS,
    types: ['text', 'json', 'binary'],
  },
  // --- location
  {
    category: 'user.location.precise',
    confidence: 'high',
    phrases: ['latitude', 'longitude', 'lat', 'lng', 'lon', 'lat lng', 'lat long', 'latlng', 'latlong', 'geo point', 'geopoint', 'coordinates', 'coords', 'gps', 'gps location', 'geolocation', 'geo location', 'geo', 'precise location', 'exact location', 'geo position'],
    exact: ['long'],
    after: ['deg', 'degrees', 'e', 'coordinates', 'coords', 'point', 'position', 'location'],
    types: ['text', 'number', 'geo', 'json', 'binary'],
    confirm: ['geo'],
  },
  {
    category: 'user.location',
    confidence: 'medium',
    alone: 'low',
    phrases: ['location', 'whereabouts', 'last seen location', 'checkin location'],
    before: ['user', 'current', 'last', 'home', 'device', 'customer', 'member', 'live', 'approximate', 'real', 'known', 'gps', 'geo', 'physical', 'checkin', 'check', 'signup', 'login', 'visitor', 'rider', 'driver', 'patient', 'employee'],
    types: ['text', 'geo', 'json', 'binary'],
    confirm: ['geo'],
  },
  // --- health (flags count: has_diabetes is health data)
  {
    category: 'user.health_and_medical.genetic',
    confidence: 'high',
    phrases: ['genetic', 'genetics', 'dna', 'genome', 'genotype', 'genetic test', 'genetic data'],
    after: ['result', 'results', 'test', 'profile', 'sequence', 'markers'],
    types: ['text', 'json', 'binary', 'bool'],
    flags: true,
  },
  {
    category: 'user.health_and_medical.insurance_beneficiary_id',
    confidence: 'high',
    phrases: ['insurance number', 'insurance id', 'health insurance', 'health insurance number', 'insurance member id', 'medicare number', 'medicare id', 'medicaid number', 'medicaid id', 'beneficiary id', 'insurance policy number'],
    after: ['number', 'no', 'num', 'nr', 'id'],
    types: ['text', 'number', 'binary', 'json'],
  },
  {
    category: 'user.health_and_medical.record_id',
    confidence: 'high',
    alone: 'medium',
    phrases: ['medical record number', 'medical record id', 'mrn', 'patient id', 'patient number', 'chart number', 'health record id'],
    types: ['text', 'number', 'uuid', 'binary'],
  },
  {
    category: 'user.health_and_medical',
    confidence: 'high',
    alone: 'medium',
    phrases: [
      'health', 'medical', 'diagnosis', 'diagnoses', 'medical history', 'health record', 'health records', 'medical condition',
      'health condition', 'allergy', 'allergies', 'medication', 'medications', 'prescription', 'prescriptions',
      'symptom', 'symptoms', 'disability', 'disabilities', 'blood type', 'blood group', 'pregnant', 'pregnancy',
      'icd', 'vaccination', 'vaccinations', 'vaccine', 'mental health', 'heart rate', 'blood pressure', 'glucose',
      'smoker', 'smoking status', 'diabetic', 'diabetes', 'hiv status', 'treatment plan', 'bmi', 'clinical notes',
    ],
    after: ['record', 'records', 'history', 'notes', 'note', 'conditions', 'condition', 'code', 'codes', 'result', 'results', 'information'],
    types: ['text', 'json', 'binary', 'bool', 'number'],
    flags: true,
  },
  // --- biometrics (device and browser fingerprints were taken above)
  {
    category: 'user.biometric.fingerprint',
    confidence: 'low',
    phrases: ['fingerprint', 'finger print', 'fingerprint template', 'fingerprint scan', 'fingerprint image', 'fingerprint minutiae'],
    after: ['template', 'scan', 'image', 'minutiae'],
    types: ['text', 'binary', 'json'],
  },
  { category: 'user.biometric.retinal', confidence: 'high', phrases: ['retina', 'retinal', 'iris scan', 'retina scan', 'retinal scan', 'iris template', 'iris code'], after: ['scan', 'template', 'image', 'code'], types: ['text', 'binary', 'json'] },
  { category: 'user.biometric.voice', confidence: 'high', phrases: ['voiceprint', 'voice print', 'voice sample', 'voice recording', 'voice template', 'voice biometric'], types: ['text', 'binary', 'json'] },
  {
    category: 'user.biometric',
    confidence: 'high',
    phrases: ['biometric', 'biometrics', 'face embedding', 'face embeddings', 'face encoding', 'face template', 'facial features', 'facial geometry', 'faceprint', 'face print', 'palm print', 'palmprint', 'gait', 'face vector', 'facial recognition'],
    after: ['data', 'template', 'hash', 'vector', 'embedding'],
    types: ['text', 'binary', 'json'],
  },
  // --- payment and finance
  {
    category: 'user.financial.credit_card',
    confidence: 'high',
    phrases: [
      'card number', 'cardnumber', 'credit card', 'creditcard', 'credit card number', 'debit card', 'cc number', 'ccnum',
      'cc num', 'cvv', 'cvc', 'card cvv', 'card cvc', 'card expiry', 'card expiration', 'card exp', 'exp month',
      'exp year', 'expiry month', 'expiry year', 'card last 4', 'last 4', 'last four', 'primary account number',
    ],
    exact: ['pan'],
    after: ['number', 'no', 'num', 'nr', 'digits', 'token', 'month', 'year', 'date'],
    types: ['text', 'number', 'binary', 'json', 'date'],
  },
  {
    category: 'user.financial.bank_account',
    confidence: 'high',
    alone: 'medium',
    phrases: ['iban', 'bank account', 'bank account number', 'account number', 'accountnumber', 'acct number', 'acct no', 'routing number', 'sort code', 'bsb', 'bank details', 'bank acct'],
    after: ['number', 'no', 'num', 'nr', 'details', 'last', 'four'],
    types: ['text', 'number', 'binary', 'json'],
  },
  {
    category: 'user.payment',
    confidence: 'medium',
    phrases: ['payment method', 'payment method id', 'stripe customer', 'stripe customer id', 'stripe payment method', 'payment token', 'paypal email', 'billing customer id', 'payment instrument'],
    after: ['id', 'token'],
    types: ['text', 'uuid', 'json'],
  },
  {
    category: 'user.financial',
    confidence: 'medium',
    phrases: ['salary', 'income', 'annual income', 'credit score', 'net worth', 'wage', 'wages', 'tax return', 'wallet address', 'crypto wallet'],
    after: ['amount', 'range', 'band', 'currency'],
    types: ['text', 'number', 'json', 'binary'],
  },
  // --- images of the person
  {
    category: 'user.content.self_image',
    confidence: 'medium',
    phrases: ['selfie', 'profile photo', 'profile picture', 'profile image', 'profile pic', 'headshot', 'avatar', 'photo id', 'face photo', 'face image', 'portrait'],
    after: ['url', 'uri', 'key', 'path', 'file', 'image', 'blob'],
    types: ['text', 'binary', 'json'],
  },
  // --- work
  { category: 'user.job_title', confidence: 'medium', phrases: ['job title', 'jobtitle', 'occupation', 'job position', 'position title', 'profession'], types: ['text', 'json'] },
  { category: 'user.workplace', confidence: 'medium', phrases: ['employer', 'employer name', 'workplace', 'place of work'], types: ['text', 'json'] },
  // --- identifiers of the person (last: every specific *_id above wins)
  {
    category: 'user.unique_id',
    confidence: 'low',
    alone: 'medium',
    phrases: [
      'user id', 'userid', 'uid', 'customer id', 'customerid', 'member id', 'memberid', 'person id', 'subscriber id',
      'visitor id', 'anonymous id', 'anon id', 'distinct id', 'external user id', 'profile id', 'player id',
      'employee id', 'student id', 'guest id', 'buyer id', 'contact id', 'lead id', 'applicant id', 'user uuid',
      'customer uuid', 'account holder id',
    ],
    types: ['text', 'uuid', 'number', 'binary'],
  },
];
